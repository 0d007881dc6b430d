using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// Sends a GET again after a 5xx or a dropped connection, up to <see cref="RetryPolicy.CommandAttempts"/> tries in all,
/// after the <see cref="RetryPolicy"/>'s pause, when
/// the request's context asks for it (<see cref="ApiRequestContext.RetryTransientGets"/>: Test-CCConnection
/// does). A GET changes nothing, so a second try is always safe; requests that change something (imports) are
/// not retried here but by the import code, which knows how to check whether the first try took effect.
/// </summary>
internal sealed class TransientGetRetryHandler : DelegatingHandler
{
    public const int MaxRetries = RetryPolicy.CommandAttempts - 1;

    private readonly RetryPolicy policy;

    public TransientGetRetryHandler(RetryPolicy policy)
    {
        this.policy = policy;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get || ApiRequestContext.Of(request) is not { RetryTransientGets: true })
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        for (int retry = 0; ; retry++)
        {
            string reason;
            TimeSpan pause;
            try
            {
                HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (!IsTransient(response.StatusCode) || retry == MaxRetries)
                {
                    return response;
                }

                reason = $"HTTP {(int)response.StatusCode}";
                pause = policy.WaitAfter(response, retry + 1);
                response.Dispose();
            }
            catch (HttpRequestException) when (retry < MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                reason = "a dropped connection";
                pause = policy.Backoff(retry + 1);
            }

            ApiRequestContext.Of(request)?.Write(string.Format(
                CultureInfo.InvariantCulture, "GET {0}: retry {1} of {2} after {3}, in {4:0} ms.",
                RequestRoute.Of(request), retry + 1, MaxRetries, reason, pause.TotalMilliseconds));
            await policy.DelayAsync(pause, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}
