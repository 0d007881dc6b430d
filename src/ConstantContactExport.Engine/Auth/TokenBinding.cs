using System;
using ConstantContactExport.Engine.Connections;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// The endpoints a connection's tokens were issued for: the API base URI (where the access token goes) and the
/// token endpoint (where the refresh token goes). Kept with the tokens in the secret store, which only the owner
/// can read or write, so that a connection file edited to name other endpoints cannot send the tokens there.
/// </summary>
public sealed class TokenBinding
{
    public TokenBinding(Uri apiBaseUri, Uri tokenEndpoint)
    {
        ApiBaseUri = Normalize(apiBaseUri ?? throw new ArgumentNullException(nameof(apiBaseUri)));
        TokenEndpoint = Normalize(tokenEndpoint ?? throw new ArgumentNullException(nameof(tokenEndpoint)));
    }

    public string ApiBaseUri { get; }

    public string TokenEndpoint { get; }

    /// <summary>The endpoints a connection file names now.</summary>
    public static TokenBinding For(ConnectionInfo connection) =>
        new((connection ?? throw new ArgumentNullException(nameof(connection))).ApiBaseUri, new OAuthEndpoints(connection.AuthBaseUri).Token);

    /// <summary>Constant Contact's own endpoints, the only ones a token stored before bindings existed is sent to.</summary>
    public static TokenBinding ConstantContact { get; } =
        new(ConnectionEndpoints.DefaultApiBaseUri, new OAuthEndpoints(ConnectionEndpoints.DefaultAuthBaseUri).Token);

    public bool Matches(TokenBinding other) =>
        other is not null
        && string.Equals(ApiBaseUri, other.ApiBaseUri, StringComparison.Ordinal)
        && string.Equals(TokenEndpoint, other.TokenEndpoint, StringComparison.Ordinal);

    // Scheme and host compare without regard to case (Uri lower-cases them), the path exactly; a trailing slash is no difference.
    private static string Normalize(Uri uri) => uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
