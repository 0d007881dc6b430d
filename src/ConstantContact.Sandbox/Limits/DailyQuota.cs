namespace ConstantContact.Sandbox.Limits;

/// <summary>
/// Requests per client id per UTC day. The count starts again at 00:00:00 UTC, as Constant Contact's does.
/// Only requests that pass the per-second limit are counted: a throttled request was refused, not served.
/// </summary>
public sealed class DailyQuota
{
    private readonly Dictionary<string, Usage> _usage = new(StringComparer.Ordinal);
    private readonly long _limit;
    private readonly TimeProvider _time;

    public DailyQuota(long limit, TimeProvider time)
    {
        _limit = limit;
        _time = time;
    }

    /// <summary>Counts the request and returns true, or returns false when today's quota is spent.</summary>
    public bool TryConsume(string clientId)
    {
        if (_limit <= 0)
        {
            return true;
        }

        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        lock (_usage)
        {
            if (!_usage.TryGetValue(clientId, out var usage) || usage.Day != today)
            {
                usage = new Usage { Day = today };
                _usage[clientId] = usage;
            }

            if (usage.Count >= _limit)
            {
                return false;
            }

            usage.Count++;
            return true;
        }
    }

    public long Used(string clientId)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        lock (_usage)
        {
            return _usage.TryGetValue(clientId, out var usage) && usage.Day == today ? usage.Count : 0;
        }
    }

    public void Reset()
    {
        lock (_usage)
        {
            _usage.Clear();
        }
    }

    private sealed class Usage
    {
        public DateOnly Day { get; init; }

        public long Count { get; set; }
    }
}
