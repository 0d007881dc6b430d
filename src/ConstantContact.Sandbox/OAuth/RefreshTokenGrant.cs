namespace ConstantContact.Sandbox.OAuth;

/// <summary>A live refresh token. Rotation replaces it with a new one of the same family.</summary>
public sealed class RefreshTokenGrant
{
    public required string ClientId { get; init; }

    public required IReadOnlySet<string> Scopes { get; init; }

    public required Guid FamilyId { get; init; }

    /// <summary>Refresh tokens die after 180 days without use, in both modes.</summary>
    public required DateTimeOffset LastUsedAt { get; set; }
}
