namespace ConstantContact.Sandbox.OAuth;

/// <summary>What /token answers on success (AccessTokenResponse in the vendor's SDK).</summary>
public sealed class TokenResponse
{
    public required string AccessToken { get; init; }

    public string TokenType { get; init; } = "Bearer";

    public required int ExpiresIn { get; init; }

    public required string Scope { get; init; }

    /// <summary>Only when offline_access was granted.</summary>
    public string? RefreshToken { get; init; }
}
