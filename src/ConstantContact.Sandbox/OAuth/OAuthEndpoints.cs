using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ConstantContact.Sandbox.Hosting;
using ConstantContact.Sandbox.Json;
using ConstantContact.Sandbox.Limits;

namespace ConstantContact.Sandbox.OAuth;

/// <summary>The authorization server, at Constant Contact's Okta-style paths under /oauth2/default/v1.</summary>
public static class OAuthEndpoints
{
    public const string BasePath = "/oauth2/default/v1";
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(BasePath + "/device/authorize", DeviceAuthorizeAsync);
        app.MapPost(BasePath + "/token", TokenAsync);
        app.MapGet(BasePath + "/authorize", Authorize);
        app.MapPost(BasePath + "/revoke", RevokeAsync);
        app.MapGet("/activate", Activate);
    }

    private static async Task<IResult> DeviceAuthorizeAsync(HttpContext context, ClientAuthenticator client, DeviceAuthorizationStore devices, TimeProvider time)
    {
        var form = await ReadFormAsync(context.Request);
        if (form is null)
        {
            return OAuthError.BadRequest("invalid_request", "The body must be application/x-www-form-urlencoded.");
        }

        var clientId = ClientAuthenticator.PresentedClientId(context.Request, form);
        if (clientId != client.ClientId)
        {
            return OAuthError.InvalidClient(clientId is null ? "The client_id parameter is required." : "The client_id is not known.");
        }

        var scopes = Scopes.Parse(form["scope"], out var unknown);
        if (scopes is null)
        {
            return OAuthError.BadRequest("invalid_scope", unknown is null ? "The scope parameter is required." : $"The scope '{unknown}' is not known.");
        }

        var authorization = devices.Start(clientId, scopes);
        var root = $"{context.Request.Scheme}://{context.Request.Host}";
        return Results.Json(
            new DeviceAuthorizationResponse
            {
                DeviceCode = authorization.DeviceCode,
                UserCode = authorization.UserCode,
                VerificationUri = root + "/activate",
                VerificationUriComplete = root + "/activate?user_code=" + Uri.EscapeDataString(authorization.UserCode),
                ExpiresIn = (int)Math.Round((authorization.ExpiresAt - time.GetUtcNow()).TotalSeconds),
                Interval = (int)authorization.Interval.TotalSeconds,
            },
            SandboxJsonContext.Default.DeviceAuthorizationResponse);
    }

    private static async Task<IResult> TokenAsync(
        HttpContext context, ClientAuthenticator client, SandboxLimits limits, TokenStore tokens,
        DeviceAuthorizationStore devices, AuthorizationCodeStore codes)
    {
        var form = await ReadFormAsync(context.Request);
        if (form is null)
        {
            return OAuthError.BadRequest("invalid_request", "The body must be application/x-www-form-urlencoded.");
        }

        var grantType = form["grant_type"].ToString();

        // Constant Contact allows one token request a second per application. The device grant hears it as
        // slow_down, which a device-flow client already knows to obey; the other grants hear a plain 429.
        if (!limits.TokenEndpoint.TryAcquire(ClientAuthenticator.PresentedClientId(context.Request, form) ?? string.Empty))
        {
            return grantType == DeviceGrant
                ? OAuthError.Result(StatusCodes.Status429TooManyRequests, "slow_down", "Too many token requests: at most 1 a second per client.")
                : OAuthError.Result(StatusCodes.Status429TooManyRequests, "too_many_requests", "Too many token requests: at most 1 a second per client.");
        }

        var clientId = client.Authenticate(context.Request, form, out var failure);
        if (clientId is null)
        {
            return OAuthError.InvalidClient(failure!);
        }

        return grantType switch
        {
            DeviceGrant => DeviceToken(form, clientId, tokens, devices),
            "authorization_code" => CodeToken(form, clientId, client, tokens, codes),
            "refresh_token" => RefreshToken(form, clientId, tokens),
            "" => OAuthError.BadRequest("invalid_request", "The grant_type parameter is required."),
            _ => OAuthError.BadRequest("unsupported_grant_type", $"The grant type '{grantType}' is not supported."),
        };
    }

    private static IResult DeviceToken(IFormCollection form, string clientId, TokenStore tokens, DeviceAuthorizationStore devices)
    {
        var deviceCode = form["device_code"].ToString();
        if (deviceCode.Length == 0)
        {
            return OAuthError.BadRequest("invalid_request", "The device_code parameter is required.");
        }

        var authorization = devices.Poll(clientId, deviceCode, out var error, out var description);
        return authorization is null
            ? OAuthError.BadRequest(error!, description!)
            : Token(tokens.Issue(clientId, authorization.Scopes));
    }

    private static IResult CodeToken(IFormCollection form, string clientId, ClientAuthenticator client, TokenStore tokens, AuthorizationCodeStore codes)
    {
        var code = codes.Redeem(form["code"].ToString());
        if (code is null || code.ClientId != clientId)
        {
            return OAuthError.BadRequest("invalid_grant", "The authorization code is invalid, used or expired.");
        }

        if (code.RedirectUri != form["redirect_uri"].ToString())
        {
            return OAuthError.BadRequest("invalid_grant", "The redirect_uri does not match the one of the authorization request.");
        }

        var verifier = form["code_verifier"].ToString();
        if (code.CodeChallenge is not null)
        {
            if (!Pkce.IsValidVerifier(verifier) || !Pkce.Matches(verifier, code.CodeChallenge))
            {
                return OAuthError.BadRequest("invalid_grant", "PKCE verification failed: the code_verifier does not match the code_challenge.");
            }
        }
        else if (!client.IsConfidential)
        {
            return OAuthError.BadRequest("invalid_grant", "A public client must use PKCE.");
        }

        return Token(tokens.Issue(clientId, code.Scopes));
    }

    private static IResult RefreshToken(IFormCollection form, string clientId, TokenStore tokens)
    {
        var refreshToken = form["refresh_token"].ToString();
        if (refreshToken.Length == 0)
        {
            return OAuthError.BadRequest("invalid_request", "The refresh_token parameter is required.");
        }

        IReadOnlySet<string>? scopes = null;
        if (!string.IsNullOrWhiteSpace(form["scope"]))
        {
            scopes = Scopes.Parse(form["scope"], out var unknown);
            if (scopes is null)
            {
                return OAuthError.BadRequest("invalid_scope", $"The scope '{unknown}' is not known.");
            }
        }

        var response = tokens.Refresh(clientId, refreshToken, scopes, out var error);
        return response is null ? OAuthError.BadRequest("invalid_grant", error!) : Token(response);
    }

    /// <summary>
    /// Consent is automatic: the code goes straight to the redirect URI. Errors that make the redirect URI
    /// untrustworthy are shown as a 400 page, the others go back to the client, as RFC 6749 §4.1.2.1 wants.
    /// </summary>
    private static IResult Authorize(HttpContext context, ClientAuthenticator client, AuthorizationCodeStore codes, SandboxOptions options)
    {
        var query = context.Request.Query;
        if (query["client_id"] != client.ClientId)
        {
            return Results.Text("Unknown client_id.", statusCode: StatusCodes.Status400BadRequest);
        }

        var redirectUri = query["redirect_uri"].ToString();
        if (!IsLoopbackRedirect(redirectUri))
        {
            return Results.Text("The redirect_uri must be an http URI on a loopback address.", statusCode: StatusCodes.Status400BadRequest);
        }

        // With registered redirect URIs, as on a real application: the text must be one of them exactly (no
        // normalizing, no wildcard). The answer is a page, not a redirect: the URI is not trusted.
        if (options.RedirectUris.Count > 0 && !options.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return Results.Text(
                "The 'redirect_uri' parameter must be a redirect URI registered with the application (compared exactly).",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var state = query["state"].ToString();
        if (query["response_type"] != "code")
        {
            return RedirectError(redirectUri, state, "unsupported_response_type", "Only response_type=code is supported.");
        }

        if (state.Length == 0)
        {
            // Okta refuses a request without state; it is the client's defence against forged redirects.
            return RedirectError(redirectUri, state, "invalid_request", "The state parameter is required.");
        }

        var scopes = Scopes.Parse(query["scope"], out var unknown);
        if (scopes is null)
        {
            return RedirectError(redirectUri, state, "invalid_scope", unknown is null ? "The scope parameter is required." : $"The scope '{unknown}' is not known.");
        }

        var challenge = query["code_challenge"].ToString();
        var method = query["code_challenge_method"].ToString();
        if (challenge.Length > 0 && method != "S256")
        {
            return RedirectError(redirectUri, state, "invalid_request", "The code_challenge_method must be S256.");
        }

        if (challenge.Length == 0 && !client.IsConfidential)
        {
            return RedirectError(redirectUri, state, "invalid_request", "A public client must send a PKCE code_challenge (S256).");
        }

        var code = codes.Issue(client.ClientId, redirectUri, scopes, challenge.Length > 0 ? challenge : null);
        return Results.Redirect(AppendQuery(redirectUri, ("code", code), ("state", state)));
    }

    private static async Task<IResult> RevokeAsync(HttpContext context, ClientAuthenticator client, TokenStore tokens)
    {
        var form = await ReadFormAsync(context.Request);
        if (form is null)
        {
            return OAuthError.BadRequest("invalid_request", "The body must be application/x-www-form-urlencoded.");
        }

        var clientId = client.Authenticate(context.Request, form, out var failure);
        if (clientId is null)
        {
            return OAuthError.InvalidClient(failure!);
        }

        var token = form["token"].ToString();
        if (token.Length == 0)
        {
            return OAuthError.BadRequest("invalid_request", "The token parameter is required.");
        }

        // RFC 7009: an unknown token is not an error.
        tokens.Revoke(clientId, token);
        return Results.Ok();
    }

    private static IResult Activate() =>
        Results.Text(
            "ConstantContact.Sandbox: device codes are approved at once, or with --manual-approval by POST /__sandbox/approve.",
            "text/plain");

    private static IResult Token(TokenResponse response)
    {
        // Token responses must not be cached (RFC 6749 §5.1).
        return new NoStoreResult(Results.Json(response, SandboxJsonContext.Default.TokenResponse));
    }

    private static IResult RedirectError(string redirectUri, string state, string error, string description) =>
        Results.Redirect(AppendQuery(redirectUri, ("error", error), ("error_description", description), ("state", state)));

    private static string AppendQuery(string uri, params (string Name, string Value)[] pairs)
    {
        var parts = pairs.Where(p => p.Value.Length > 0).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}");
        return uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join("&", parts);
    }

    private static bool IsLoopbackRedirect(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttp
        && uri.IsLoopback
        && uri.Fragment.Length == 0;

    private static async Task<IFormCollection?> ReadFormAsync(HttpRequest request) =>
        request.HasFormContentType && request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? await request.ReadFormAsync()
            : null;

    private sealed class NoStoreResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.Headers.Pragma = "no-cache";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
