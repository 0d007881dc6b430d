namespace ConstantContact.Sandbox.Activities;

/// <summary>The body of POST /activities/remove_list_memberships, the sources the sandbox emulates.</summary>
public sealed class RemoveListMembershipsRequest
{
    public RemoveListMembershipsSource? Source { get; init; }

    public List<string>? ListIds { get; init; }
}

public sealed class RemoveListMembershipsSource
{
    public List<string>? ContactIds { get; init; }

    public List<string>? ListIds { get; init; }

    public bool? AllActiveContacts { get; init; }

    public List<string>? TagIds { get; init; }

    public string? EngagementLevel { get; init; }
}
