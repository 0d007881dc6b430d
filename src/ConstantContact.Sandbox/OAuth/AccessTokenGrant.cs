namespace ConstantContact.Sandbox.OAuth;

/// <summary>What an access token stands for.</summary>
public sealed class AccessTokenGrant
{
    public required string ClientId { get; init; }

    public required IReadOnlySet<string> Scopes { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The refresh token family it came from, so that revoking the refresh token revokes it too.</summary>
    public Guid? FamilyId { get; init; }
}
