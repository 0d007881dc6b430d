using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>Waits for a permit of the API's shared limiter (<see cref="ApiRateLimiters"/>) before each attempt.</summary>
internal sealed class RateLimitHandler : DelegatingHandler
{
    private readonly Func<Uri, ApiRateLimiter> limiterFor;

    public RateLimitHandler(Func<Uri, ApiRateLimiter> limiterFor)
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

        await limiterFor(context.RateLimitKey).WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
