using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Http;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// The authorization server's token, device and revocation endpoints. A client secret, when the application
/// has one, goes in HTTP Basic (as Constant Contact's server flow wants); a public client names itself with
/// <c>client_id</c> in the form. Every /token request waits its turn at the process's
/// <see cref="TokenRequestGate"/>. Error answers become <see cref="ConstantContactApiException"/> with the OAuth
/// error code as <see cref="ConstantContactApiException.ErrorKey"/>, with every secret of the request redacted.
/// </summary>
public sealed class OAuthClient
{
    public const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>How often a refresh that meets the server's 1-a-second limit (another process got there first) tries again.</summary>
    private const int TooManyRequestsRetries = 3;

    private readonly HttpClient http;
    private readonly TokenRequestGate gate;
    private readonly TimeProvider time;
    private readonly string? clientSecret;

    public OAuthClient(HttpClient http, OAuthEndpoints endpoints, string clientId, string? clientSecret, TokenRequestGate gate, TimeProvider time)
    {
        this.http = http ?? throw new ArgumentNullException(nameof(http));
        Endpoints = endpoints ?? throw new ArgumentNullException(nameof(endpoints));
        ClientId = string.IsNullOrEmpty(clientId) ? throw new ArgumentException("The client id is empty.", nameof(clientId)) : clientId;
        this.clientSecret = string.IsNullOrEmpty(clientSecret) ? null : clientSecret;
        this.gate = gate ?? throw new ArgumentNullException(nameof(gate));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public OAuthEndpoints Endpoints { get; }

    public string ClientId { get; }

    /// <summary>Starts the device flow (RFC 8628 §3.1).</summary>
    public async Task<DeviceAuthorization> StartDeviceAuthorizationAsync(string scope, Action<string>? log, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["client_id"] = ClientId, ["scope"] = scope };
        string body = await PostAsync(Endpoints.DeviceAuthorize, form, log, cancellationToken).ConfigureAwait(false);
        return Parse(() => DeviceAuthorization.Parse(body), Endpoints.DeviceAuthorize);
    }

    /// <summary>
    /// One poll of the device flow. Throws <see cref="ConstantContactApiException"/> with ErrorKey
    /// <c>authorization_pending</c>, <c>slow_down</c>, <c>expired_token</c> or <c>access_denied</c> while there is no token.
    /// </summary>
    public Task<TokenResponse> RequestDeviceTokenAsync(string deviceCode, Action<string>? log, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = DeviceCodeGrant,
            ["device_code"] = deviceCode,
            ["client_id"] = ClientId,
        };
        return RequestTokenAsync(form, retryTooManyRequests: false, log, cancellationToken, deviceCode);
    }

    /// <summary>Redeems an authorization code (RFC 6749 §4.1.3) with its PKCE verifier (RFC 7636 §4.5).</summary>
    public Task<TokenResponse> RedeemAuthorizationCodeAsync(string code, string codeVerifier, Uri redirectUri, Action<string>? log, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri.OriginalString,
            ["code_verifier"] = codeVerifier,
            ["client_id"] = ClientId,
        };
        return RequestTokenAsync(form, retryTooManyRequests: true, log, cancellationToken, code, codeVerifier);
    }

    /// <summary>The refresh grant (RFC 6749 §6).</summary>
    public Task<TokenResponse> RefreshAsync(string refreshToken, Action<string>? log, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = ClientId,
        };
        return RequestTokenAsync(form, retryTooManyRequests: true, log, cancellationToken, refreshToken);
    }

    /// <summary>
    /// Revokes a token (RFC 7009). True when the server accepted it; false when it has no revocation endpoint
    /// (404, 405) or does not revoke that kind of token. Other failures throw.
    /// </summary>
    public async Task<bool> RevokeAsync(string token, string tokenTypeHint, Action<string>? log, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = tokenTypeHint, ["client_id"] = ClientId };
        using HttpResponseMessage response = await SendAsync(Endpoints.Revoke, form, log, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        ConstantContactApiException error = await ErrorAsync(response, Endpoints.Revoke, token).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed || error.ErrorKey == "unsupported_token_type")
        {
            return false;
        }

        throw error;
    }

    private async Task<TokenResponse> RequestTokenAsync(
        Dictionary<string, string> form, bool retryTooManyRequests, Action<string>? log, CancellationToken cancellationToken, params string[] secrets)
    {
        for (int attempt = 0; ; attempt++)
        {
            await gate.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
            using HttpResponseMessage response = await SendAsync(Endpoints.Token, form, log, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                return Parse(() => TokenResponse.Parse(body), Endpoints.Token);
            }

            ConstantContactApiException error = await ErrorAsync(response, Endpoints.Token, secrets).ConfigureAwait(false);
            if (retryTooManyRequests && (int)response.StatusCode == 429 && attempt < TooManyRequestsRetries)
            {
                // Another process of this application asked within the same second; the gate spaces the next try.
                continue;
            }

            throw error;
        }
    }

    private async Task<string> PostAsync(Uri endpoint, Dictionary<string, string> form, Action<string>? log, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(endpoint, form, log, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, endpoint).ConfigureAwait(false);
        }

        return await response.Content.ReadAsStringAsync().ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(Uri endpoint, Dictionary<string, string> form, Action<string>? log, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (clientSecret is not null)
        {
            // RFC 6749 §2.3.1: each part form-encoded, then joined and base64-encoded.
            string pair = Uri.EscapeDataString(ClientId) + ":" + Uri.EscapeDataString(clientSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        new ApiRequestContext(null, log, endpoint).AttachTo(request);
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ConstantContactApiException> ErrorAsync(HttpResponseMessage response, Uri endpoint, params string[] secrets)
    {
        string? body = response.Content is null ? null : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var all = new List<string?>(secrets) { clientSecret };
        return new ConstantContactApiException(
            (int)response.StatusCode,
            "POST",
            RequestRoute.Of(endpoint),
            ApiErrorParser.Parse(body, response.ReasonPhrase, all.ToArray()),
            RetryPolicy.RetryAfter(response, time.GetUtcNow()));
    }

    private static T Parse<T>(Func<T> parse, Uri endpoint)
    {
        try
        {
            return parse();
        }
        catch (Exception ex) when (ex is JsonException or FormatException or UriFormatException)
        {
            // The body may hold tokens: name the problem, not the content.
            throw new ConstantContactApiException(200, "POST", RequestRoute.Of(endpoint),
                new[] { new ApiErrorDetail("invalid_response", "The authorization server's answer could not be read: " + ex.GetType().Name) });
        }
    }
}
