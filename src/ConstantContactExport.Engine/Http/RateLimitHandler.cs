using System;
using System.Net.Http;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>Waits for a permit of the API's shared limiter (<see cref="ApiRateLimiters"/>) before each attempt.</summary>
internal sealed class RateLimitHandler : DelegatingHandler
{
    private readonly Func<Uri, RateLimiter> limiterFor;

    public RateLimitHandler(Func<Uri, RateLimiter> limiterFor)
    {
        this.limiterFor = limiterFor;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ApiRequestContext? context = ApiRequestContext.Of(request);
        if (context is null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using RateLimitLease lease = await limiterFor(context.RateLimitKey).AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The client-side rate limiter refused the request: too many requests are waiting.");
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
