namespace ConstantContact.Sandbox.Faults;

/// <summary>Fault settings, as POST /__sandbox/faults takes them and /__sandbox/state shows them.</summary>
public sealed class FaultSettings
{
    public double? Rate { get; init; }

    public IReadOnlyList<string>? Kinds { get; init; }

    public int? Seed { get; init; }

    public int? SlowMs { get; init; }
}
