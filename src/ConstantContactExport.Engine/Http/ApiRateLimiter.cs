using System;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// A TokenBucketRateLimiter that fills continuously rather than in steps: it holds one permit and gains one
/// each <see cref="Spacing"/>, so no window of one second ever sees more than 1 / spacing requests, whatever
/// the phase of a timer. (A stepped bucket lets a burst through on each side of a step.) The library only
/// hands a waiter its permit when asked to replenish, so a timer asks, and only while someone waits.
/// </summary>
public sealed class ApiRateLimiter : RateLimiter
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly TokenBucketRateLimiter bucket;
    private readonly ITimer timer;
    private readonly object gate = new();
    private bool ticking;

    public ApiRateLimiter(TimeSpan spacing, TimeProvider time)
    {
        Spacing = spacing;
        bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = spacing,
            AutoReplenishment = false,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        timer = time.CreateTimer(_ => OnTick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Spacing { get; }

    public override TimeSpan? IdleDuration => bucket.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => bucket.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        bucket.TryReplenish();
        return bucket.AttemptAcquire(permitCount);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        bucket.TryReplenish();
        ValueTask<RateLimitLease> lease = bucket.AcquireAsync(permitCount, cancellationToken);
        if (!lease.IsCompleted)
        {
            StartTicking();
        }

        return lease;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            timer.Dispose();
            bucket.Dispose();
        }

        base.Dispose(disposing);
    }

    private void StartTicking()
    {
        lock (gate)
        {
            if (!ticking)
            {
                ticking = true;
                timer.Change(Tick, Tick);
            }
        }
    }

    private void OnTick()
    {
        bucket.TryReplenish();
        lock (gate)
        {
            if (ticking && bucket.GetStatistics() is { CurrentQueuedCount: 0 })
            {
                ticking = false;
                timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }
}
