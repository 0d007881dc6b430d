namespace ConstantContact.Sandbox.Limits;

/// <summary>
/// Requests per client id per UTC day. The count starts again at 00:00:00 UTC, as Constant Contact's does.
/// Only requests that pass the per-second limit are counted: a throttled request was refused, not served.
/// </summary>
public sealed class DailyQuota
{
    private readonly Dictionary<string, Usage> usage = new(StringComparer.Ordinal);
    private readonly long limit;
    private readonly TimeProvider time;

    public DailyQuota(long limit, TimeProvider time)
    {
        this.limit = limit;
        this.time = time;
    }

    /// <summary>Counts the request and returns true, or returns false when today's quota is spent.</summary>
    public bool TryConsume(string clientId)
    {
        if (this.limit <= 0)
        {
            return true;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        lock (this.usage)
        {
            if (!this.usage.TryGetValue(clientId, out var usage) || usage.Day != today)
            {
                usage = new Usage { Day = today };
                this.usage[clientId] = usage;
            }

            if (usage.Count >= this.limit)
            {
                return false;
            }

            usage.Count++;
            return true;
        }
    }

    public long Used(string clientId)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        lock (this.usage)
        {
            return this.usage.TryGetValue(clientId, out var usage) && usage.Day == today ? usage.Count : 0;
        }
    }

    public void Reset()
    {
        lock (this.usage)
        {
            this.usage.Clear();
        }
    }

    private sealed class Usage
    {
        public DateOnly Day { get; init; }

        public long Count { get; set; }
    }
}
