namespace ConstantContact.Sandbox.Limits;

/// <summary>
/// A token bucket: holds up to <c>capacity</c> tokens and gains <c>rate</c> a second. A burst of
/// <c>capacity</c> requests passes at once, then <c>rate</c> a second, which is how a "4 a second" limit feels
/// to a client that spaces its calls. Not thread-safe: the owner locks.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _rate;
    private readonly double _capacity;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _lastTimestamp;

    public TokenBucket(double rate, TimeProvider time)
    {
        _rate = rate;
        // A fractional rate (0.5 a second) still lets one request through when a whole token has been earned.
        _capacity = Math.Max(1, rate);
        _time = time;
        _tokens = _capacity;
        _lastTimestamp = time.GetTimestamp();
    }

    public bool TryTake()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        _lastTimestamp = now;
        _tokens = Math.Min(_capacity, _tokens + (elapsed * _rate));
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }

        return false;
    }
}
