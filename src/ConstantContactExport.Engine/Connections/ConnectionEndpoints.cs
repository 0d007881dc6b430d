using System;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// The API and authorization base URIs: Constant Contact's by default, anything else (the sandbox) on request,
/// but never plain http except on the loopback interface, where nothing crosses a network.
/// </summary>
public static class ConnectionEndpoints
{
    public static readonly Uri DefaultApiBaseUri = new("https://api.cc.email/v3");
    public static readonly Uri DefaultAuthBaseUri = new("https://authz.constantcontact.com/oauth2/default/v1");

    /// <summary>The URI without a trailing slash; a <see cref="ConnectionException"/> when it is not usable.</summary>
    public static Uri Check(Uri? uri, string parameterName)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new ConnectionException(ConnectionErrorIds.InvalidEndpoint, ConnectionErrorKind.InvalidArgument,
                $"-{parameterName} must be an absolute URI such as https://api.cc.email/v3.", uri);
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ConnectionException(ConnectionErrorIds.InvalidEndpoint, ConnectionErrorKind.InvalidArgument,
                $"-{parameterName} '{uri}' must be an https URI.", uri);
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ConnectionException(ConnectionErrorIds.InvalidEndpoint, ConnectionErrorKind.InvalidArgument,
                $"-{parameterName} must be a base URI: no user name, query or fragment.", uri);
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new ConnectionException(ConnectionErrorIds.InsecureEndpoint, ConnectionErrorKind.SecurityError,
                $"-{parameterName} '{uri}' uses plain http: tokens and personal data would cross the network unencrypted. "
                + "Use https; plain http is allowed only on the loopback interface (localhost, 127.0.0.1, ::1), as for the sandbox.", uri);
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }
}
