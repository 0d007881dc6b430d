using System;
using System.Net.Http;
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

    /// <summary>The server's Retry-After, as a wait from <paramref name="now"/>.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        if (header.Date is not { } date)
        {
            return null;
        }

        return date > now ? date - now : TimeSpan.Zero;
    }

    internal static async Task<string?> ReadErrorBodyAsync(HttpResponseMessage response)
    {
        string? body = response.Content is null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return body is { Length: > MaxBodyChars } ? body.Substring(0, MaxBodyChars) : body;
    }
}
