namespace ConstantContact.Sandbox.Activities;

/// <summary>The body of POST /activities/remove_list_memberships, the sources the sandbox emulates.</summary>
public sealed class RemoveListMembershipsRequest
{
    public RemoveListMembershipsSource? Source { get; init; }

    public List<string>? ListIds { get; init; }

    /// <summary>Contacts kept on the target lists; only with a list_ids (or all_active_contacts) source.</summary>
    public RemoveListMembershipsExclude? Exclude { get; init; }
}

public sealed class RemoveListMembershipsExclude
{
    public List<string>? ContactIds { get; init; }
}

public sealed class RemoveListMembershipsSource
{
    public List<string>? ContactIds { get; init; }

    public List<string>? ListIds { get; init; }

    public bool? AllActiveContacts { get; init; }

    public List<string>? TagIds { get; init; }

    public string? EngagementLevel { get; init; }
}
