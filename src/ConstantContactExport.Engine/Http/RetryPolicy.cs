using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// The module's one back-off rule, for every request that is tried again (GETs after a 5xx or a dropped
/// connection, a throttled 429, an import sent again, a list or custom field created again):
/// exponential with full jitter and a cap: retry n waits a random time from 0 to min(<see cref="MaxDelay"/>,
/// <see cref="BaseDelay"/> x 2^(n-1)), so many clients spread out and no wait grows without bound. A
/// Retry-After the server sends is honoured instead, up to <see cref="MaxRetryAfter"/> (a larger one, or one
/// past what a timer can wait, is taken as that cap). The run's deadline bounds the sum of the waits.
/// </summary>
public sealed class RetryPolicy
{
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Tries of a request that is safe to send again (a GET; a create that is looked up first) when a person waits on
    /// it at the prompt (Get-CCList, Test-CCConnection, Set-CCExport): back-off ceilings of 0.5 s and 1 s, so an
    /// unreachable API is said within seconds.
    /// </summary>
    public const int CommandAttempts = 3;

    /// <summary>
    /// Tries of such a request in a run, which nobody watches and which should ride out an outage: ceilings of 0.5 s up
    /// to 30 s, about a minute in all; the run's deadline may end it sooner.
    /// </summary>
    public const int RunAttempts = 8;

    private readonly Random random;

    /// <param name="time">The clock the waits run on.</param>
    /// <param name="random">The jitter; seed or fake it to repeat a test.</param>
    public RetryPolicy(TimeProvider time, Random? random = null)
    {
        Time = time ?? throw new ArgumentNullException(nameof(time));
        this.random = random ?? new Random();
    }

    public TimeProvider Time { get; }

    /// <summary>The ceiling of retry <paramref name="retry"/> (1 for the first): 0.5 s, 1 s, 2 s ... 30 s.</summary>
    public static TimeSpan Ceiling(int retry)
    {
        int doublings = Math.Max(0, Math.Min(retry - 1, 16));
        return TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, BaseDelay.Ticks << doublings));
    }

    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first): full jitter under <see cref="Ceiling"/>.</summary>
    public TimeSpan Backoff(int retry)
    {
        double share;
        lock (random)
        {
            share = random.NextDouble();
        }

        return TimeSpan.FromTicks((long)(Ceiling(retry).Ticks * share));
    }

    /// <summary>The wait before retry <paramref name="retry"/> after <paramref name="response"/>: its Retry-After (capped) when it has one, else <see cref="Backoff"/>.</summary>
    public TimeSpan WaitAfter(HttpResponseMessage? response, int retry) =>
        (response is null ? null : RetryAfter(response, Time.GetUtcNow())) ?? Backoff(retry);

    /// <summary>Waits <paramref name="wait"/> on the policy's clock.</summary>
    public Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        wait <= TimeSpan.Zero ? Task.CompletedTask : Time.Delay(wait, cancellationToken);

    /// <summary>The server's Retry-After as a wait from <paramref name="now"/>, between 0 and <see cref="MaxRetryAfter"/>; null without one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        TimeSpan? asked = null;
        try
        {
            if (response.Headers.RetryAfter is { } header)
            {
                asked = header.Delta ?? (header.Date is { } date ? date - now : null);
            }
        }
        catch (FormatException)
        {
            // An unreadable header is no header.
        }

        if (asked is not TimeSpan wait)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxRetryAfter ? MaxRetryAfter : wait;
    }
}
