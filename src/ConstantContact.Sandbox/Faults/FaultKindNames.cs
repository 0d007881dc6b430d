namespace ConstantContact.Sandbox.Faults;

/// <summary>The names faults have on the command line, in the inspection API and in the state counts.</summary>
public static class FaultKindNames
{
    public static readonly IReadOnlyList<FaultKind> All =
    [
        FaultKind.ServerError, FaultKind.ServiceUnavailable, FaultKind.Reset,
        FaultKind.Slow, FaultKind.LostResponse, FaultKind.Throttle, FaultKind.EmptyAnswer,
    ];

    /// <summary>What --fault-rate gives without --faults: the ways a healthy service fails. A broken server's answers (empty-200) are asked for by name.</summary>
    public static readonly IReadOnlyList<FaultKind> Default =
    [
        FaultKind.ServerError, FaultKind.ServiceUnavailable, FaultKind.Reset,
        FaultKind.Slow, FaultKind.LostResponse, FaultKind.Throttle,
    ];

    public static string Name(FaultKind kind) => kind switch
    {
        FaultKind.ServerError => "500",
        FaultKind.ServiceUnavailable => "503",
        FaultKind.Reset => "reset",
        FaultKind.Slow => "slow",
        FaultKind.LostResponse => "lost-response",
        FaultKind.Throttle => "throttle",
        FaultKind.EmptyAnswer => "empty-200",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static FaultKind Parse(string name)
    {
        foreach (var kind in All)
        {
            if (string.Equals(Name(kind), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        throw new ArgumentException($"Unknown fault kind '{name}'; known: {string.Join(",", All.Select(Name))}.");
    }

    public static IReadOnlyList<FaultKind> ParseList(string list)
    {
        var kinds = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Parse).Distinct().ToArray();
        return kinds.Length == 0 ? throw new ArgumentException("Option '--faults' needs at least one kind.") : kinds;
    }
}
