using System;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>Turns an error answer into a <see cref="ConstantContactApiException"/>, for callers that want typed errors.</summary>
public static class ApiResponses
{
    private const int MaxBodyChars = 16 * 1024;

    /// <summary>Returns a success as it is; disposes an error answer and throws it as a typed exception.</summary>
    public static async Task<HttpResponseMessage> EnsureApiSuccessAsync(this HttpResponseMessage response, TimeProvider time)
    {
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ConstantContactApiException.FromResponseAsync(response, time).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The JSON of an answer read as text; an answer that is not JSON (an HTML page, a cut-off body) is an
    /// <see cref="ApiAnswerException"/> that names the request and what came, never the content.
    /// </summary>
    public static JsonDocument ParseJson(HttpResponseMessage response, string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw Unreadable(response, body, ex);
        }
    }

    /// <summary>
    /// The JSON of a successful answer, parsed as it is read: a page of 500 contacts is a few hundred kilobytes,
    /// which read as text first would be a new large-object string for every page of a list read whole. An answer
    /// that is not JSON is an <see cref="ApiAnswerException"/> as <see cref="ParseJson"/> says.
    /// </summary>
    public static async Task<JsonDocument> ParseJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var counted = new CountingReadStream(await response.Content.ReadAsStreamAsync().ConfigureAwait(false));
        try
        {
            return await JsonDocument.ParseAsync(counted, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw ApiAnswerException.Unreadable(
                $"{response.RequestMessage?.Method.Method ?? "?"} {RequestRoute.Of(response.RequestMessage?.RequestUri)}",
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType,
                (int)Math.Min(counted.BytesRead, int.MaxValue),
                ex);
        }
    }

    /// <summary>An answer that was JSON but not what the endpoint sends (a field missing or of another type).</summary>
    public static ApiAnswerException Unreadable(HttpResponseMessage response, string? body, Exception? inner) =>
        ApiAnswerException.Unreadable(
            $"{response.RequestMessage?.Method.Method ?? "?"} {RequestRoute.Of(response.RequestMessage?.RequestUri)}",
            (int)response.StatusCode,
            response.Content?.Headers.ContentType?.MediaType,
            body is null ? 0 : Encoding.UTF8.GetByteCount(body),
            inner);

    internal static async Task<string?> ReadErrorBodyAsync(HttpResponseMessage response)
    {
        string? body = response.Content is null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return body is { Length: > MaxBodyChars } ? body.Substring(0, MaxBodyChars) : body;
    }
}
