namespace ConstantContact.Sandbox.Limits;

/// <summary>
/// A token bucket: holds up to <c>capacity</c> tokens and gains <c>rate</c> a second. A burst of
/// <c>capacity</c> requests passes at once, then <c>rate</c> a second, which is how a "4 a second" limit feels
/// to a client that spaces its calls. Not thread-safe: the owner locks.
/// </summary>
public sealed class TokenBucket
{
    private readonly double rate;
    private readonly double capacity;
    private readonly TimeProvider time;
    private double tokens;
    private long lastTimestamp;

    public TokenBucket(double rate, TimeProvider time)
    {
        this.rate = rate;
        // A fractional rate (0.5 a second) still lets one request through when a whole token has been earned.
        this.capacity = Math.Max(1, rate);
        this.time = time;
        this.tokens = this.capacity;
        this.lastTimestamp = time.GetTimestamp();
    }

    public bool TryTake()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(lastTimestamp, now).TotalSeconds;
        lastTimestamp = now;
        this.tokens = Math.Min(this.capacity, this.tokens + (elapsed * this.rate));
        if (this.tokens >= 1)
        {
            this.tokens -= 1;
            return true;
        }

        return false;
    }
}
