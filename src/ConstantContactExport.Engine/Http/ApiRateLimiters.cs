using System;
using System.Collections.Concurrent;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// One client-side limiter per API base URI per process, shared by every connection, runspace and HttpClient
/// that talks to it. Constant Contact allows 4 requests a second per API key; its budget is the server's to
/// count, so this only keeps one process from spending it faster than that.
/// </summary>
public static class ApiRateLimiters
{
    private static readonly ConcurrentDictionary<string, ApiRateLimiter> Limiters = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// One permit each 250 ms (4 a second), no burst: no second ever sees a fifth request, and a server bucket of
    /// 4 that gains 4 a second (the sandbox's model) has 3 requests to spare for the jitter of requests on the
    /// wire. A burst would buy nothing for bulk work.
    /// </summary>
    public static ApiRateLimiter Create() => Create(TimeProvider.System);

    /// <summary>The same limiter on another clock (tests drive it on a fake one).</summary>
    internal static ApiRateLimiter Create(TimeProvider time) => new ApiRateLimiter(TimeSpan.FromMilliseconds(250), time);

    public static ApiRateLimiter For(Uri apiBaseUri) =>
        Limiters.GetOrAdd(apiBaseUri.GetLeftPart(UriPartial.Path).TrimEnd('/'), _ => Create());
}
