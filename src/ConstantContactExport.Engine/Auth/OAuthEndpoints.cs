using System;

namespace ConstantContactExport.Engine.Auth;

/// <summary>The authorization server's endpoints under its base URI (Okta-style paths, as Constant Contact's).</summary>
public sealed class OAuthEndpoints
{
    public OAuthEndpoints(Uri authBaseUri)
    {
        string root = (authBaseUri ?? throw new ArgumentNullException(nameof(authBaseUri))).AbsoluteUri.TrimEnd('/');
        Authorize = new Uri(root + "/authorize");
        Token = new Uri(root + "/token");
        DeviceAuthorize = new Uri(root + "/device/authorize");
        Revoke = new Uri(root + "/revoke");
    }

    public Uri Authorize { get; }

    public Uri Token { get; }

    public Uri DeviceAuthorize { get; }

    /// <summary>RFC 7009 revocation; Okta has it, Constant Contact does not document it (UNCONFIRMED).</summary>
    public Uri Revoke { get; }
}
