using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// Spaces this process's requests to one token endpoint at least a second apart: Constant Contact allows one
/// token request a second per application. Each caller reserves the next free slot, so concurrent callers
/// queue up in order rather than racing.
/// </summary>
public sealed class TokenRequestGate
{
    /// <summary>A second, and a little more so that network jitter cannot bring two requests closer.</summary>
    public static readonly TimeSpan DefaultSpacing = TimeSpan.FromMilliseconds(1100);

    private static readonly ConcurrentDictionary<string, TokenRequestGate> Gates = new(StringComparer.OrdinalIgnoreCase);

    private readonly object gate = new();
    private readonly TimeProvider time;
    private readonly TimeSpan spacing;
    private long? nextSlot;

    public TokenRequestGate(TimeProvider time, TimeSpan spacing)
    {
        this.time = time;
        this.spacing = spacing;
    }

    /// <summary>The process-wide gate of one token endpoint.</summary>
    public static TokenRequestGate For(Uri tokenEndpoint) =>
        Gates.GetOrAdd(tokenEndpoint.AbsoluteUri, _ => new TokenRequestGate(TimeProvider.System, DefaultSpacing));

    /// <summary>Waits for this caller's slot.</summary>
    public Task WaitTurnAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (gate)
        {
            long now = time.GetTimestamp();
            long slot = nextSlot is { } next && next > now ? next : now;
            nextSlot = slot + (long)(spacing.TotalSeconds * time.TimestampFrequency);
            wait = TimeSpan.FromSeconds((slot - now) / (double)time.TimestampFrequency);
        }

        return wait <= TimeSpan.Zero ? Task.CompletedTask : time.Delay(wait, cancellationToken);
    }
}
