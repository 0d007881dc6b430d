namespace ConstantContact.Sandbox.Faults;

/// <summary>
/// Decides, request by request, which /v3 requests get a fault. Every request draws the same two numbers
/// from one seeded generator, whatever the outcome, so the same seed and the same sequence of requests give
/// the same faults.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private Random _random;
    private double _rate;
    private FaultKind[] _kinds;
    private int _seed;
    private int _slowDelayMs;

    public FaultInjector(double rate, IReadOnlyList<FaultKind> kinds, int seed, int slowDelayMs)
    {
        _rate = rate;
        _kinds = kinds.ToArray();
        _seed = seed;
        _random = new Random(seed);
        _slowDelayMs = slowDelayMs;
    }

    public FaultKind? Next()
    {
        lock (_gate)
        {
            var roll = _random.NextDouble();
            var pick = _random.Next(_kinds.Length);
            return roll < _rate ? _kinds[pick] : null;
        }
    }

    public int SlowDelayMs
    {
        get
        {
            lock (_gate)
            {
                return _slowDelayMs;
            }
        }
    }

    /// <summary>Changes what is given; a new seed starts the sequence again from its beginning.</summary>
    public void Configure(double? rate, IReadOnlyList<FaultKind>? kinds, int? seed, int? slowDelayMs)
    {
        lock (_gate)
        {
            _rate = rate ?? _rate;
            _kinds = kinds?.ToArray() ?? _kinds;
            _slowDelayMs = slowDelayMs ?? _slowDelayMs;
            if (seed is { } s)
            {
                _seed = s;
                _random = new Random(s);
            }
        }
    }

    public FaultSettings Settings()
    {
        lock (_gate)
        {
            return new FaultSettings
            {
                Rate = _rate, Kinds = _kinds.Select(FaultKindNames.Name).ToArray(), Seed = _seed, SlowMs = _slowDelayMs,
            };
        }
    }
}
