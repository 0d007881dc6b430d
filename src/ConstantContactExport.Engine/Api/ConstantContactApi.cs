using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Sending;

namespace ConstantContactExport.Engine.Api;

/// <summary>
/// The endpoints the module uses (imports, activities, lists, custom fields) over an authenticated HttpClient (the module's one pipeline: bearer token with
/// refresh on 401, the 4-a-second limiter, the request log). On top of it, the decisions that depend on
/// what a request was:
/// a throttled 429 is waited out and sent again (nothing was accepted); quota_exceeded stops; a full activity
/// queue is the sender's to wait out; a GET that fails with 5xx or a dropped connection is retried after the
/// <see cref="RetryPolicy"/>'s wait; an import POST that fails that way is never retried here, because
/// it may have been accepted: the sender looks it up first. An answer that is not JSON is an <see cref="ApiAnswerException"/>.
/// </summary>
public sealed partial class ConstantContactApi : IImportApi, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient client;
    private readonly Uri apiBase;
    private readonly TimeProvider time;
    private readonly RetryPolicy retry;
    private readonly int attempts;
    private readonly Action<string> log;
    private readonly IDisposable? owned;
    private int requestCount;
    private long clockOffsetTicks;

    /// <param name="client">The authenticated client.</param>
    /// <param name="apiBaseUri">The API base, e.g. https://api.cc.email/v3.</param>
    /// <param name="time">The clock for back-off.</param>
    /// <param name="random">Jitter; seedable for tests.</param>
    /// <param name="log">Verbose lines (no personal data, no tokens).</param>
    /// <param name="owned">Disposed with this object (the client's owner), or null.</param>
    /// <param name="attempts">Tries of a request that is safe to send again: <see cref="RetryPolicy.RunAttempts"/> for a run, <see cref="RetryPolicy.CommandAttempts"/> for a command.</param>
    public ConstantContactApi(HttpClient client, Uri apiBaseUri, TimeProvider time, Random? random = null, Action<string>? log = null, IDisposable? owned = null, int attempts = RetryPolicy.RunAttempts)
    {
        this.attempts = attempts >= 1 ? attempts : throw new ArgumentOutOfRangeException(nameof(attempts), attempts, "At least one try.");
        this.client = client;
        apiBase = new Uri(apiBaseUri.ToString().TrimEnd('/') + "/");
        this.time = time;
        retry = new RetryPolicy(time, random);
        this.log = log ?? (_ => { });
        this.owned = owned;
    }

    public int RequestCount => Volatile.Read(ref requestCount);

    public TimeSpan ServerClockOffset => TimeSpan.FromTicks(Interlocked.Read(ref clockOffsetTicks));

    public Task<ActivityInfo> CreateJsonImportAsync(string bodyPath, CancellationToken cancellationToken) =>
        PostActivityAsync(
            "activities/contacts_json_import",
            () =>
            {
                var content = new StreamContent(new FileStream(bodyPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
                content.Headers.ContentType = Json;
                return content;
            },
            "the import",
            cancellationToken);

    /// <summary>
    /// POSTs a request that creates an activity (an import, a removal from a list) and returns the activity. A throttled
    /// 429 is waited out and sent again (nothing was accepted); any answer that may mean it was accepted without saying
    /// which activity (a dropped connection, a timeout, a 5xx, a 2xx without an activity id) is an
    /// <see cref="ImportInDoubtException"/> for the caller to decide on; the other answers are the sender's decisions.
    /// </summary>
    /// <param name="route">The route under the API base.</param>
    /// <param name="newContent">The body, made again for each try.</param>
    /// <param name="what">What the request is, for a refusal's message ("the import").</param>
    /// <param name="cancellationToken">Ends the tries and the waits.</param>
    private async Task<ActivityInfo> PostActivityAsync(string route, Func<HttpContent> newContent, string what, CancellationToken cancellationToken)
    {
        int throttled = 0;
        while (true)
        {
            HttpResponseMessage response;
            string body;
            try
            {
                using HttpContent content = newContent();
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBase, route)) { Content = content };
                Interlocked.Increment(ref requestCount);
                response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new ImportInDoubtException("The connection failed before the answer came (" + ex.Message + ").", ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ImportInDoubtException("The request timed out before the answer came.", ex);
            }
            catch (IOException ex)
            {
                throw new ImportInDoubtException("The connection failed before the answer came (" + ex.Message + ").", ex);
            }

            using (response)
            {
                NoteServerClock(response);
                int status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    // An answer that names no activity proves nothing: the sender looks the import up, or sends it again.
                    ActivityInfo? created = null;
                    try
                    {
                        using JsonDocument doc = ApiResponses.ParseJson(response, body);
                        created = doc.RootElement.ValueKind == JsonValueKind.Object ? ActivityJson.Parse(doc.RootElement) : null;
                    }
                    catch (ApiAnswerException unreadable)
                    {
                        // Not JSON (an HTML page, a cut answer): as much in doubt as an answer without an id; the
                        // sender looks it up, and stops (resumable) rather than send into the same page again.
                        throw new ImportInDoubtException($"Constant Contact answered {status} without an activity id it could read.", unreadable);
                    }

                    if (created is null || !ActivityJson.IsActivityId(created.ActivityId))
                    {
                        throw new ImportInDoubtException($"Constant Contact answered {status} without an activity id.");
                    }

                    return created;
                }

                (string? key, string? message) = FirstError(body);
                if (status == 429)
                {
                    switch (key)
                    {
                        case "quota_exceeded":
                            throw new QuotaExceededException();
                        case "throttled":
                            await WaitThrottledAsync(response, ++throttled, cancellationToken).ConfigureAwait(false);
                            continue;
                        default:
                            throw new ActivityQueueFullException(message ?? "Too many queued activities.");
                    }
                }

                if (status >= 500)
                {
                    throw new ImportInDoubtException($"Constant Contact answered {status} ({key ?? message ?? response.ReasonPhrase}).");
                }

                if (status == 401)
                {
                    throw new ApiUnavailableException("Constant Contact refused the connection's token even after a refresh (401). Reconnect with New-CCConnection (Test-CCConnection shows the problem).");
                }

                throw new ImportRefusedException(status, key, $"Constant Contact refused {what} ({status} {key}): {message}");
            }
        }
    }

    public async Task<ActivityInfo> GetActivityAsync(string activityId, CancellationToken cancellationToken)
    {
        using JsonDocument doc = await GetJsonAsync("activities/" + Uri.EscapeDataString(activityId), cancellationToken).ConfigureAwait(false);
        return ActivityJson.Parse(doc.RootElement);
    }

    public async Task<IReadOnlyList<ActivityInfo>> ListActivitiesAsync(int limit, CancellationToken cancellationToken)
    {
        using JsonDocument doc = await GetJsonAsync("activities?limit=" + Math.Max(1, Math.Min(500, limit)).ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return ActivityJson.ParseList(doc.RootElement);
    }

    public void Dispose() => owned?.Dispose();

    /// <summary>The first error of a body in any of Constant Contact's shapes (the key is what the decisions branch on).</summary>
    private static (string? Key, string? Message) FirstError(string? body)
    {
        IReadOnlyList<ApiErrorDetail> errors = ApiErrorParser.Parse(body, reasonPhrase: null);
        return errors.Count > 0 ? (errors[0].ErrorKey, errors[0].ErrorMessage) : (null, null);
    }

    /// <summary>GET with the retry rules.</summary>
    private async Task<JsonDocument> GetJsonAsync(string relative, CancellationToken cancellationToken) =>
        (await GetJsonAsync(relative, notFoundIsNull: false, cancellationToken).ConfigureAwait(false))!;

    /// <summary>GET with the retry rules (<see cref="RetryPolicy.SendGetAsync"/>); null for a 404 when <paramref name="notFoundIsNull"/>.</summary>
    private async Task<JsonDocument?> GetJsonAsync(string relative, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        string route = relative.Split('?')[0];
        HttpResponseMessage response;
        try
        {
            response = await retry.SendGetAsync(
                ct =>
                {
                    Interlocked.Increment(ref requestCount);
                    return client.GetAsync(new Uri(apiBase, relative), ct);
                },
                attempts,
                route,
                log,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RetryPolicy.IsTransientFailure(ex, cancellationToken))
        {
            throw Unreachable(ex is OperationCanceledException ? "timed out" : ex.Message);
        }

        using (response)
        {
            NoteServerClock(response);
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return await ApiResponses.ParseJsonAsync(response, cancellationToken).ConfigureAwait(false);
            }

            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);

            (string? key, string? message) = FirstError(body);
            if (status == 429 && key == "quota_exceeded")
            {
                throw new QuotaExceededException();
            }

            if (status == 429)
            {
                throw Throttled(response);
            }

            if (status == 401)
            {
                throw new ApiUnavailableException("Constant Contact refused the connection's token even after a refresh (401). Reconnect with New-CCConnection (Test-CCConnection shows the problem).");
            }

            if (status == 404 && notFoundIsNull)
            {
                return null;
            }

            if (status < 500)
            {
                throw new ImportRefusedException(status, key, $"GET {route} was refused ({status} {key}): {message}");
            }

            throw Unreachable($"{status} {key}");
        }
    }

    private ApiUnavailableException Unreachable(string reason) =>
        new($"Constant Contact could not be reached after {attempts} tries ({reason}). Check the network and the connection (Test-CCConnection), then try again.");

    private static ApiUnavailableException Throttled(HttpResponseMessage response) =>
        new($"Constant Contact throttled {RetryPolicy.MaxThrottledInARow} tries of {RequestRoute.Of(response.RequestMessage?.RequestUri)} in a row (429 throttled). Another application may be spending this API key's 4 requests a second; try again later.");

    /// <summary>A throttled 429: nothing was accepted; wait (the server's Retry-After, capped, or the policy's back-off) and send again.</summary>
    private Task WaitThrottledAsync(HttpResponseMessage response, int throttledInARow, CancellationToken cancellationToken)
    {
        if (throttledInARow > RetryPolicy.MaxThrottledInARow)
        {
            throw Throttled(response);
        }

        TimeSpan delay = retry.WaitAfter(response, throttledInARow);
        log($"Throttled by Constant Contact (429 throttled); waiting {delay.TotalSeconds:0.0} s.");
        return retry.DelayAsync(delay, cancellationToken);
    }

    private void NoteServerClock(HttpResponseMessage response)
    {
        if (response.Headers.Date is DateTimeOffset serverNow)
        {
            Interlocked.Exchange(ref clockOffsetTicks, (serverNow - time.GetUtcNow()).Ticks);
        }
    }
}
