using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// A token bucket that holds one permit and fills continuously, one permit each <see cref="Spacing"/>: the first
/// request goes at once, and no permit is ever handed out less than <see cref="Spacing"/> after the one before,
/// so no window of one second ever sees more than 1 / spacing requests, whatever the phase of a timer. (A
/// stepped bucket lets a burst through on each side of a step.) Waiters are served oldest first, the queue has
/// no limit, and a one-shot timer wakes the head of the queue when its permit is due.
/// </summary>
/// <remarks>
/// Every reading of the clock and every timer goes through the <see cref="TimeProvider"/>, so tests drive it on
/// a fake clock. (System.Threading.RateLimiting's TokenBucketRateLimiter, used here before, reads Stopwatch
/// itself, and with manual replenishment it also kept the time of its last fill while full, so the second
/// request after a pause of one spacing or more went at once, right behind the first.)
/// </remarks>
public sealed class ApiRateLimiter : RateLimiter
{
    private static readonly RateLimitLease Acquired = new Lease(true, null);

    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly object gate = new();
    private readonly Queue<Waiter> waiters = new();
    private readonly long created;
    private long? lastPermit;
    private int liveWaiters;
    private int queuedPermits;
    private bool timerArmed;
    private bool disposed;
    private long successfulLeases;
    private long failedLeases;

    public ApiRateLimiter(TimeSpan spacing, TimeProvider time)
    {
        if (spacing <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "The spacing must be positive.");
        }

        Spacing = spacing;
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        created = time.GetTimestamp();
        timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Spacing { get; }

    /// <summary>How long the bucket has been full with nobody waiting; null while it is not.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (gate)
            {
                if (liveWaiters > 0)
                {
                    return null;
                }

                long now = time.GetTimestamp();
                if (lastPermit is not long last)
                {
                    return time.GetElapsedTime(created, now);
                }

                TimeSpan sinceFull = time.GetElapsedTime(last, now) - Spacing;
                return sinceFull >= TimeSpan.Zero ? sinceFull : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (gate)
        {
            ThrowIfDisposed();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = liveWaiters == 0 && PermitDue(time.GetTimestamp()) ? 1 : 0,
                CurrentQueuedCount = queuedPermits,
                TotalSuccessfulLeases = Interlocked.Read(ref successfulLeases),
                TotalFailedLeases = Interlocked.Read(ref failedLeases),
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        lock (gate)
        {
            ThrowIfDisposed();
            long now = time.GetTimestamp();
            if (liveWaiters == 0 && PermitDue(now))
            {
                return Grant(permitCount, now);
            }

            Interlocked.Increment(ref failedLeases);
            return new Lease(false, RetryAfter(now));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        lock (gate)
        {
            ThrowIfDisposed();
            long now = time.GetTimestamp();
            if (liveWaiters == 0 && PermitDue(now))
            {
                return new ValueTask<RateLimitLease>(Grant(permitCount, now));
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return new ValueTask<RateLimitLease>(Task.FromCanceled<RateLimitLease>(cancellationToken));
            }

            var waiter = new Waiter(this, permitCount, cancellationToken);
            waiters.Enqueue(waiter);
            liveWaiters++;
            queuedPermits += permitCount;
            if (!timerArmed)
            {
                Arm(now);
            }

            if (cancellationToken.CanBeCanceled)
            {
                // Should the token be cancelled already, Register calls Cancel here and now: the gate lets this thread in again.
                waiter.Registration = cancellationToken.Register(static state => ((Waiter)state!).Cancel(), waiter);
            }

            return new ValueTask<RateLimitLease>(waiter.Task);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            var done = new List<Waiter>();
            lock (gate)
            {
                if (!disposed)
                {
                    disposed = true;
                    timer.Dispose();
                    while (waiters.Count > 0)
                    {
                        Waiter waiter = waiters.Dequeue();
                        waiter.TrySetResult(new Lease(false, null));
                        done.Add(waiter);
                    }

                    liveWaiters = 0;
                    queuedPermits = 0;
                }
            }

            foreach (Waiter waiter in done)
            {
                waiter.Registration.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        return default;
    }

    private static void CheckPermitCount(int permitCount)
    {
        if (permitCount > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"{permitCount} permits exceed the limit of 1.");
        }
    }

    /// <summary>True when a permit is in the bucket at <paramref name="now"/>: never handed out, or one spacing since the last.</summary>
    private bool PermitDue(long now) => lastPermit is not long last || time.GetElapsedTime(last, now) >= Spacing;

    private RateLimitLease Grant(int permitCount, long now)
    {
        if (permitCount > 0)
        {
            lastPermit = now;
        }

        Interlocked.Increment(ref successfulLeases);
        return Acquired;
    }

    /// <summary>When a request that joined the queue now would have its permit: the next one, then one spacing per waiter ahead.</summary>
    private TimeSpan RetryAfter(long now)
    {
        TimeSpan untilNext = lastPermit is long last ? Spacing - time.GetElapsedTime(last, now) : TimeSpan.Zero;
        if (untilNext < TimeSpan.Zero)
        {
            untilNext = TimeSpan.Zero;
        }

        return untilNext + TimeSpan.FromTicks(Spacing.Ticks * queuedPermits);
    }

    /// <summary>Sets the timer for the moment the next permit is due (rounded up to a whole millisecond, the system timer's unit).</summary>
    private void Arm(long now)
    {
        TimeSpan due = lastPermit is long last ? Spacing - time.GetElapsedTime(last, now) : TimeSpan.Zero;
        long ms = (due.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        timerArmed = true;
        timer.Change(TimeSpan.FromMilliseconds(Math.Max(ms, 1)), Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        var done = new List<Waiter>();
        lock (gate)
        {
            timerArmed = false;
            if (disposed)
            {
                return;
            }

            // The timer may run late (a busy machine) or a hair early (its clock is not the TimeProvider's
            // timestamp): the head goes only when its permit is due by the clock, and the next permit is counted
            // from when it went, so a late timer never lets two through in one spacing.
            long now = time.GetTimestamp();
            while (waiters.Count > 0)
            {
                Waiter head = waiters.Peek();
                if (head.Task.IsCompleted)
                {
                    waiters.Dequeue();
                    done.Add(head);
                    continue;
                }

                if (!PermitDue(now))
                {
                    break;
                }

                waiters.Dequeue();
                liveWaiters--;
                queuedPermits -= head.Count;
                head.TrySetResult(Grant(head.Count, now));
                done.Add(head);
            }

            if (liveWaiters > 0)
            {
                Arm(now);
            }
        }

        foreach (Waiter waiter in done)
        {
            waiter.Registration.Dispose();
        }
    }

    private void Cancel(Waiter waiter)
    {
        lock (gate)
        {
            // Under the gate, so the timer never hands this waiter a permit after it was cancelled; it is left in
            // the queue and skipped when it reaches the head.
            if (waiter.TrySetCanceled(waiter.CancellationToken))
            {
                liveWaiters--;
                queuedPermits -= waiter.Count;
            }
        }
    }

    private void ThrowIfDisposed()
    {
        if (disposed)
        {
            throw new ObjectDisposedException(nameof(ApiRateLimiter));
        }
    }

    private sealed class Waiter : TaskCompletionSource<RateLimitLease>
    {
        private readonly ApiRateLimiter limiter;

        public Waiter(ApiRateLimiter limiter, int count, CancellationToken cancellationToken)
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            this.limiter = limiter;
            Count = count;
            CancellationToken = cancellationToken;
        }

        public int Count { get; }

        public CancellationToken CancellationToken { get; }

        public CancellationTokenRegistration Registration { get; set; }

        public void Cancel() => limiter.Cancel(this);
    }

    private sealed class Lease : RateLimitLease
    {
        private static readonly string[] Names = { MetadataName.RetryAfter.Name };

        private readonly TimeSpan? retryAfter;

        public Lease(bool acquired, TimeSpan? retryAfter)
        {
            IsAcquired = acquired;
            this.retryAfter = retryAfter;
        }

        public override bool IsAcquired { get; }

        public override IEnumerable<string> MetadataNames => Names;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.RetryAfter.Name && retryAfter is TimeSpan value)
            {
                metadata = value;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
