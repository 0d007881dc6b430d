using System;
using ConstantContactExport.Engine.Connections;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// The secrets of one connection: the tokens and, for an application with a secret, that secret. Lives in
/// memory and in the token store only; <see cref="ToString"/> shows no secret, so a stray log line or a
/// debugger display cannot leak one.
/// </summary>
public sealed class TokenSet
{
    public TokenSet(string accessToken, string refreshToken, DateTimeOffset issuedOn, DateTimeOffset expiresOn, string? scope, string? clientSecret, TokenBinding? binding = null)
    {
        Binding = binding;
        AccessToken = accessToken ?? throw new ArgumentNullException(nameof(accessToken));
        RefreshToken = refreshToken ?? throw new ArgumentNullException(nameof(refreshToken));
        IssuedOn = issuedOn;
        ExpiresOn = expiresOn;
        Scope = scope;
        ClientSecret = clientSecret;
    }

    public string AccessToken { get; }

    public string RefreshToken { get; }

    /// <summary>When the access token was issued (by this machine's clock), to know its lifetime.</summary>
    public DateTimeOffset IssuedOn { get; }

    public DateTimeOffset ExpiresOn { get; }

    public string? Scope { get; }

    /// <summary>The application's client secret, for token requests; null for a public client (device flow, PKCE).</summary>
    public string? ClientSecret { get; }

    /// <summary>The endpoints these tokens were issued for; null in a token file written before bindings existed.</summary>
    public TokenBinding? Binding { get; }

    public TimeSpan Lifetime => ExpiresOn - IssuedOn;

    /// <summary>The same tokens, bound to <paramref name="binding"/>.</summary>
    public TokenSet BoundTo(TokenBinding binding) =>
        new(AccessToken, RefreshToken, IssuedOn, ExpiresOn, Scope, ClientSecret, binding ?? throw new ArgumentNullException(nameof(binding)));

    /// <summary>When the server names no lifetime: short, so that the first refresh tells the truth soon.</summary>
    public static readonly TimeSpan AssumedLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// The tokens of a new grant. A grant without a refresh token would stop working when its access token
    /// expires, with nobody there to sign in again; it is refused.
    /// </summary>
    public static TokenSet FromGrant(TokenResponse response, string? clientSecret, DateTimeOffset now)
    {
        if (response.RefreshToken is null)
        {
            throw new ConnectionException(
                ConnectionErrorIds.NoRefreshToken, ConnectionErrorKind.AuthenticationError,
                $"Constant Contact granted access without a refresh token (granted scope: '{response.Scope ?? "not stated"}'), so the connection "
                + "would stop working when the access token expires and unattended runs could not continue. The grant must include the "
                + "offline_access scope: check that your application in the Constant Contact developer portal may use it, then run New-CCConnection again.");
        }

        return new TokenSet(response.AccessToken, response.RefreshToken, now, now + (response.ExpiresIn ?? AssumedLifetime), response.Scope, clientSecret);
    }

    /// <summary>
    /// The tokens after a refresh: a rotated refresh token replaces the old one (which is now dead); a server
    /// with long-lived refresh tokens may send none, and the old one stays.
    /// </summary>
    public TokenSet Refreshed(TokenResponse response, DateTimeOffset now) =>
        new(response.AccessToken, response.RefreshToken ?? RefreshToken, now, now + (response.ExpiresIn ?? AssumedLifetime), response.Scope ?? Scope, ClientSecret, Binding);

    public override string ToString() => $"Tokens (access token expires {ExpiresOn:u})";
}
