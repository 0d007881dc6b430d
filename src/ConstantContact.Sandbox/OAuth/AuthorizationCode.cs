namespace ConstantContact.Sandbox.OAuth;

/// <summary>A code handed to the redirect URI by /authorize; single use, 5 minutes (as Constant Contact's).</summary>
public sealed class AuthorizationCode
{
    public required string Code { get; init; }

    public required string ClientId { get; init; }

    public required string RedirectUri { get; init; }

    public required IReadOnlySet<string> Scopes { get; init; }

    public string? CodeChallenge { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }
}
