namespace ConstantContact.Sandbox.Limits;

/// <summary>
/// One token bucket per client id: Constant Contact counts its limits per API key, so every token of one
/// application shares one budget.
/// </summary>
public sealed class ClientRateLimiter
{
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly double _rate;
    private readonly TimeProvider _time;

    public ClientRateLimiter(double rate, TimeProvider time)
    {
        _rate = rate;
        _time = time;
    }

    /// <summary>True when the request may go on; a rate of 0 lets everything through.</summary>
    public bool TryAcquire(string clientId)
    {
        if (_rate <= 0)
        {
            return true;
        }

        lock (_buckets)
        {
            if (!_buckets.TryGetValue(clientId, out var bucket))
            {
                bucket = new TokenBucket(_rate, _time);
                _buckets[clientId] = bucket;
            }

            return bucket.TryTake();
        }
    }
}
