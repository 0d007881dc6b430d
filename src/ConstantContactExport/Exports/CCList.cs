namespace ConstantContactExport;

/// <summary>A contact list of the account, as Get-CCList shows it.</summary>
public sealed class CCList
{
    public string ListId { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public long? MembershipCount { get; init; }

    /// <summary>The connection it was read through.</summary>
    public string Connection { get; init; } = string.Empty;

    public override string ToString() => Name;
}
