using ConstantContact.Sandbox.Contacts;
using ConstantContact.Sandbox.Faults;

namespace ConstantContact.Sandbox.Inspection;

/// <summary>GET /__sandbox/state.</summary>
public sealed class SandboxStateResource
{
    public required long RequestsTotal { get; init; }

    public required Dictionary<string, long> RequestsByRoute { get; init; }

    public required long ThrottledResponses { get; init; }

    public required long MaxRequestBytes { get; init; }

    public required int MaxContactsInRequest { get; init; }

    public required IReadOnlyList<string> IssuedTokens { get; init; }

    public required IReadOnlyList<ListSummary> Lists { get; init; }

    public required IReadOnlyList<ActivitySummary> Activities { get; init; }

    public required Dictionary<string, long> FaultsInjected { get; init; }

    public required long ImportedContactsTotal { get; init; }

    public required int ContactsTotal { get; init; }

    public required long QuotaUsed { get; init; }

    public required FaultSettings FaultSettings { get; init; }

    public required MemorySummary Memory { get; init; }
}

/// <summary>The sandbox process's own memory, for the benchmark and for tests that watch for leaks.</summary>
public sealed class MemorySummary
{
    public required long WorkingSetBytes { get; init; }

    public required long PeakWorkingSetBytes { get; init; }

    public required long GcHeapBytes { get; init; }
}

public sealed class ListSummary
{
    public required Guid ListId { get; init; }

    public required string Name { get; init; }

    public required int MembershipCount { get; init; }
}

public sealed class ActivitySummary
{
    public required Guid ActivityId { get; init; }

    public required string Type { get; init; }

    public required string State { get; init; }

    public required IReadOnlyList<Guid> ListIds { get; init; }

    public required int PersonCount { get; init; }

    public required DateTime CreatedAt { get; init; }
}

public sealed class ListMembersResource
{
    public required Guid ListId { get; init; }

    public required int MembersCount { get; init; }

    public required IReadOnlyList<ContactResource> Members { get; init; }
}

public sealed class UnsubscribeRequest
{
    public List<string>? Emails { get; init; }
}

/// <summary>POST /__sandbox/token-lifetime, and its answer: the access token lifetime from now on, in seconds.</summary>
public sealed class TokenLifetimeSetting
{
    public int? Seconds { get; init; }
}

/// <summary>POST /__sandbox/activity-ends: the final states the next activities get, in order.</summary>
public sealed class ActivityEndsRequest
{
    public IReadOnlyList<string>? Ends { get; init; }
}

/// <summary>The activity ends still to be used.</summary>
public sealed class ActivityEndsResource
{
    public required IReadOnlyList<string> Pending { get; init; }
}

public sealed class ApproveRequest
{
    public string? UserCode { get; init; }

    /// <summary>Deny instead of approve: the device flow then answers access_denied.</summary>
    public bool? Deny { get; init; }
}

public sealed class CountResource
{
    public required int Count { get; init; }
}
