using System;
using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// One client-side limiter per API base URI per process, shared by every connection, runspace and HttpClient
/// that talks to it. Constant Contact allows 4 requests a second per API key; its budget is the server's to
/// count, so this only keeps one process from spending it faster than that.
/// </summary>
public static class ApiRateLimiters
{
    private static readonly ConcurrentDictionary<string, RateLimiter> Limiters = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A token bucket that gains one permit each 250 ms (4 a second) and holds at most 2. A server bucket of 4
    /// that gains 4 a second accepts anything this lets through with a request to spare, which absorbs the
    /// jitter of requests on the wire; a larger burst would buy nothing for bulk work.
    /// </summary>
    public static RateLimiter Create() => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 2,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(250),
        AutoReplenishment = true,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public static RateLimiter For(Uri apiBaseUri) =>
        Limiters.GetOrAdd(apiBaseUri.GetLeftPart(UriPartial.Path).TrimEnd('/'), _ => Create());
}
