using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// The outermost handler of the API pipeline: an answer that is not a success becomes a
/// <see cref="ConstantContactApiException"/>, after every inner handler (token refresh, retries) has had its
/// say. So callers see successes as responses and failures as one typed exception.
/// </summary>
internal sealed class ApiErrorHandler : DelegatingHandler
{
    private const int MaxBodyChars = 16 * 1024;

    private readonly TimeProvider time;

    public ApiErrorHandler(TimeProvider time)
    {
        this.time = time;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string? body = response.Content is null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (body is { Length: > MaxBodyChars })
            {
                body = body.Substring(0, MaxBodyChars);
            }

            string? token = request.Headers.Authorization?.Parameter;
            throw new ConstantContactApiException(
                (int)response.StatusCode,
                request.Method.Method,
                RequestRoute.Of(request),
                ApiErrorParser.Parse(body, response.ReasonPhrase, token),
                RetryAfter(response, time.GetUtcNow()));
        }
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
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
}
