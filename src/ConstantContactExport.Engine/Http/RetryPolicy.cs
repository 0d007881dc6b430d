using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// The module's one back-off rule, for every request that is tried again (GETs after a 5xx or a dropped
/// connection, a throttled 429, an import sent again, a list or custom field created again):
/// exponential with full jitter and a cap: retry n waits a random time from 0 to min(<see cref="MaxDelay"/>,
/// <see cref="BaseDelay"/> x 2^(n-1)), so many clients spread out and no wait grows without bound. A
/// Retry-After the server sends is honoured instead, up to <see cref="MaxRetryAfter"/> (a larger one, or one
/// past what a timer can wait, is taken as that cap). The run's deadline bounds the sum of the waits.
/// <see cref="SendGetAsync"/> is the one loop that tries a GET again; requests that change something keep their
/// own loops (an import is looked up before it is sent again, a list is looked up before it is created again).
/// </summary>
public sealed class RetryPolicy
{
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Tries of a request that is safe to send again (a GET; a create that is looked up first) when a person waits on
    /// it at the prompt (Get-CCList, Test-CCConnection, Set-CCExport): back-off ceilings of 0.5 s and 1 s, so an
    /// unreachable API is said within seconds.
    /// </summary>
    public const int CommandAttempts = 3;

    /// <summary>
    /// Tries of such a request in a run, which nobody watches and which should ride out an outage: ceilings of 0.5 s up
    /// to 30 s, about a minute in all; the run's deadline may end it sooner.
    /// </summary>
    public const int RunAttempts = 8;

    /// <summary>Throttled 429s in a row before a GET is given up: with the 30 s cap about 10 minutes of waiting.</summary>
    public const int MaxThrottledInARow = 30;

    private readonly Random random;

    /// <param name="time">The clock the waits run on.</param>
    /// <param name="random">The jitter; seed or fake it to repeat a test.</param>
    public RetryPolicy(TimeProvider time, Random? random = null)
    {
        Time = time ?? throw new ArgumentNullException(nameof(time));
        this.random = random ?? new Random();
    }

    public TimeProvider Time { get; }

    /// <summary>The ceiling of retry <paramref name="retry"/> (1 for the first): 0.5 s, 1 s, 2 s ... 30 s.</summary>
    public static TimeSpan Ceiling(int retry)
    {
        int doublings = Math.Max(0, Math.Min(retry - 1, 16));
        return TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, BaseDelay.Ticks << doublings));
    }

    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first): full jitter under <see cref="Ceiling"/>.</summary>
    public TimeSpan Backoff(int retry)
    {
        double share;
        lock (random)
        {
            share = random.NextDouble();
        }

        return TimeSpan.FromTicks((long)(Ceiling(retry).Ticks * share));
    }

    /// <summary>The wait before retry <paramref name="retry"/> after <paramref name="response"/>: its Retry-After (capped) when it has one, else <see cref="Backoff"/>.</summary>
    public TimeSpan WaitAfter(HttpResponseMessage? response, int retry) =>
        (response is null ? null : RetryAfter(response, Time.GetUtcNow())) ?? Backoff(retry);

    /// <summary>Waits <paramref name="wait"/> on the policy's clock.</summary>
    public Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        wait <= TimeSpan.Zero ? Task.CompletedTask : Time.Delay(wait, cancellationToken);

    /// <summary>The server's Retry-After as a wait from <paramref name="now"/>, between 0 and <see cref="MaxRetryAfter"/>; null without one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        TimeSpan? asked = null;
        try
        {
            if (response.Headers.RetryAfter is { } header)
            {
                asked = header.Delta ?? (header.Date is { } date ? date - now : null);
            }
        }
        catch (FormatException)
        {
            // An unreadable header is no header.
        }

        if (asked is not TimeSpan wait)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxRetryAfter ? MaxRetryAfter : wait;
    }

    /// <summary>
    /// Sends a GET (<paramref name="send"/> makes one try) until its answer is not transient, and returns that answer:
    /// a 5xx, a dropped connection or a timeout is tried again after <see cref="Backoff"/>, up to
    /// <paramref name="attempts"/> tries in all, the last failure returned (a 5xx) or thrown (the exception); a
    /// throttled 429 (any 429 but <c>quota_exceeded</c>) is waited out (<see cref="WaitAfter"/>) without counting as
    /// a try, up to <see cref="MaxThrottledInARow"/>, then returned. A GET changes nothing, so trying again is safe.
    /// </summary>
    /// <param name="send">One try; the answer's body may be read again (it is buffered here for a 429).</param>
    /// <param name="attempts">Tries in all: <see cref="CommandAttempts"/> at the prompt, <see cref="RunAttempts"/> in a run.</param>
    /// <param name="route">The route for the log lines (no query: it may hold an address).</param>
    /// <param name="log">One line per wait.</param>
    /// <param name="cancellationToken">Ends the tries and the waits.</param>
    public async Task<HttpResponseMessage> SendGetAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, int attempts, string route, Action<string>? log, CancellationToken cancellationToken)
    {
        if (attempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(attempts), attempts, "At least one try.");
        }

        int tries = 0;
        int throttled = 0;
        while (true)
        {
            string reason;
            TimeSpan wait;
            try
            {
                HttpResponseMessage response = await send(cancellationToken).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (status == 429 && throttled < MaxThrottledInARow && !await IsQuotaExceededAsync(response).ConfigureAwait(false))
                {
                    wait = WaitAfter(response, ++throttled);
                    response.Dispose();
                    log?.Invoke(string.Format(CultureInfo.InvariantCulture, "Throttled by Constant Contact (429 throttled) on GET {0}; waiting {1:0.0} s.", route, wait.TotalSeconds));
                    await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (status < 500 || ++tries >= attempts)
                {
                    return response;
                }

                reason = "HTTP " + status.ToString(CultureInfo.InvariantCulture);
                wait = WaitAfter(response, tries);
                response.Dispose();
            }
            catch (Exception ex) when (IsTransientFailure(ex, cancellationToken) && ++tries < attempts)
            {
                reason = ex is OperationCanceledException ? "timed out" : ex.Message;
                wait = Backoff(tries);
            }

            throttled = 0;
            log?.Invoke(string.Format(CultureInfo.InvariantCulture, "GET {0} failed ({1}); trying again in {2:0.0} s (try {3} of {4}).", route, reason, wait.TotalSeconds, tries + 1, attempts));
            await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A failure worth another try of a GET: the connection dropped or the request timed out (not cancelled by the caller).</summary>
    public static bool IsTransientFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static async Task<bool> IsQuotaExceededAsync(HttpResponseMessage response)
    {
        if (response.Content is null)
        {
            return false;
        }

        await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        foreach (ApiErrorDetail error in ApiErrorParser.Parse(body, reasonPhrase: null))
        {
            if (error.ErrorKey == "quota_exceeded")
            {
                return true;
            }
        }

        return false;
    }
}
