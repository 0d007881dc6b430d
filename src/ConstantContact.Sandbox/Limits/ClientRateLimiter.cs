namespace ConstantContact.Sandbox.Limits;

/// <summary>
/// One token bucket per client id: Constant Contact counts its limits per API key, so every token of one
/// application shares one budget.
/// </summary>
public sealed class ClientRateLimiter
{
    private readonly Dictionary<string, TokenBucket> buckets = new(StringComparer.Ordinal);
    private readonly double rate;
    private readonly TimeProvider time;

    public ClientRateLimiter(double rate, TimeProvider time)
    {
        this.rate = rate;
        this.time = time;
    }

    /// <summary>True when the request may go on; a rate of 0 lets everything through.</summary>
    public bool TryAcquire(string clientId)
    {
        if (this.rate <= 0)
        {
            return true;
        }

        lock (buckets)
        {
            if (!buckets.TryGetValue(clientId, out var bucket))
            {
                bucket = new TokenBucket(this.rate, time);
                buckets[clientId] = bucket;
            }

            return bucket.TryTake();
        }
    }
}
