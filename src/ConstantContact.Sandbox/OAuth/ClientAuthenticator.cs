using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ConstantContact.Sandbox.OAuth;

/// <summary>
/// The one registered application. With a secret it is confidential and /token wants HTTP Basic
/// <c>client_id:client_secret</c> (as Constant Contact's server flow does); without one it is a public client
/// (device flow, PKCE) and names itself with <c>client_id</c> in the form.
/// </summary>
public sealed class ClientAuthenticator
{
    public ClientAuthenticator(string clientId, string? clientSecret)
    {
        ClientId = clientId;
        ClientSecret = clientSecret;
    }

    public string ClientId { get; }

    public string? ClientSecret { get; }

    public bool IsConfidential => ClientSecret is not null;

    /// <summary>The client id the request presents, checked or not: the token endpoint's rate limit keys on it.</summary>
    public static string? PresentedClientId(HttpRequest request, IFormCollection form) =>
        ReadBasic(request) is { } basic ? basic.Id : NonEmpty(form["client_id"]);

    /// <summary>Checks the client's credentials for /token and /revoke; null with a description when they fail.</summary>
    public string? Authenticate(HttpRequest request, IFormCollection form, out string? failure)
    {
        failure = null;
        var basic = ReadBasic(request);
        var formId = NonEmpty(form["client_id"]);
        if (IsConfidential)
        {
            if (basic is null)
            {
                failure = "Client authentication is required: send HTTP Basic client_id:client_secret.";
                return null;
            }

            if (basic.Value.Id != ClientId || basic.Value.Secret != ClientSecret || (formId is not null && formId != ClientId))
            {
                failure = "Client authentication failed.";
                return null;
            }

            return ClientId;
        }

        if (basic is { } given && !string.IsNullOrEmpty(given.Secret))
        {
            failure = "This application is a public client and has no secret.";
            return null;
        }

        var id = basic?.Id ?? formId;
        if (id is null)
        {
            failure = "The client_id parameter is required.";
            return null;
        }

        if (id != ClientId)
        {
            failure = "The client_id is not known.";
            return null;
        }

        return id;
    }

    private static (string Id, string Secret)? ReadBasic(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (Uri.UnescapeDataString(text), string.Empty)
                : (Uri.UnescapeDataString(text[..colon]), Uri.UnescapeDataString(text[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
