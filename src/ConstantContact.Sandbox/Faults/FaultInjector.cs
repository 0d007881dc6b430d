namespace ConstantContact.Sandbox.Faults;

/// <summary>
/// Decides, request by request, which /v3 requests get a fault. Every request draws the same two numbers
/// from one seeded generator, whatever the outcome, so the same seed and the same sequence of requests give
/// the same faults.
/// </summary>
public sealed class FaultInjector
{
    private readonly object gate = new();
    private Random random;
    private double rate;
    private FaultKind[] kinds;
    private int seed;
    private int slowDelayMs;

    public FaultInjector(double rate, IReadOnlyList<FaultKind> kinds, int seed, int slowDelayMs)
    {
        this.rate = rate;
        this.kinds = kinds.ToArray();
        this.seed = seed;
        this.random = new Random(seed);
        this.slowDelayMs = slowDelayMs;
    }

    public FaultKind? Next()
    {
        lock (gate)
        {
            var roll = random.NextDouble();
            var pick = random.Next(this.kinds.Length);
            return roll < this.rate ? this.kinds[pick] : null;
        }
    }

    public int SlowDelayMs
    {
        get
        {
            lock (gate)
            {
                return this.slowDelayMs;
            }
        }
    }

    /// <summary>Changes what is given; a new seed starts the sequence again from its beginning.</summary>
    public void Configure(double? rate, IReadOnlyList<FaultKind>? kinds, int? seed, int? slowDelayMs)
    {
        lock (gate)
        {
            this.rate = rate ?? this.rate;
            this.kinds = kinds?.ToArray() ?? this.kinds;
            this.slowDelayMs = slowDelayMs ?? this.slowDelayMs;
            if (seed is { } s)
            {
                this.seed = s;
                random = new Random(s);
            }
        }
    }

    public FaultSettings Settings()
    {
        lock (gate)
        {
            return new FaultSettings
            {
                Rate = this.rate, Kinds = this.kinds.Select(FaultKindNames.Name).ToArray(), Seed = this.seed, SlowMs = this.slowDelayMs,
            };
        }
    }
}
