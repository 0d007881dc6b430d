using System;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// Creates a connection: gets a grant by one of the three ways (device flow, browser with PKCE, a refresh
/// token from elsewhere), then saves the secrets and the connection file. Nothing is written until a grant
/// with a refresh token is in hand.
/// </summary>
public sealed class ConnectionAuthorizer
{
    private readonly StoragePaths paths;
    private readonly HttpPipeline pipeline;
    private readonly TokenRequestGate? tokenGate;

    public ConnectionAuthorizer(StoragePaths paths, HttpPipeline? pipeline = null, TokenRequestGate? tokenGate = null)
    {
        this.paths = paths ?? throw new ArgumentNullException(nameof(paths));
        this.pipeline = pipeline ?? HttpPipeline.Shared;
        this.tokenGate = tokenGate;
    }

    public async Task<TokenSet> DeviceFlowAsync(
        ConnectionInfo connection, string? clientSecret, Action<DeviceAuthorization> prompt, Action<string>? log, CancellationToken cancellationToken)
    {
        var flow = new DeviceFlow(OAuthFor(connection, clientSecret), pipeline.Time);
        TokenResponse response = await flow.RunAsync(prompt, log, cancellationToken).ConfigureAwait(false);
        return TokenSet.FromGrant(response, clientSecret, pipeline.Time.GetUtcNow());
    }

    public async Task<TokenSet> BrowserFlowAsync(
        ConnectionInfo connection, string? clientSecret, Uri redirectUri, Action<Uri> present, TimeSpan timeout, Action<string>? log, CancellationToken cancellationToken)
    {
        var flow = new BrowserFlow(OAuthFor(connection, clientSecret), pipeline.Time);
        TokenResponse response = await flow.RunAsync(redirectUri, present, timeout, log, cancellationToken).ConfigureAwait(false);
        return TokenSet.FromGrant(response, clientSecret, pipeline.Time.GetUtcNow());
    }

    /// <summary>
    /// Spends the given refresh token at once: that proves it works and yields an access token. With rotating
    /// refresh tokens the given one is dead afterwards and the connection holds its successor.
    /// </summary>
    public async Task<TokenSet> RefreshTokenAsync(
        ConnectionInfo connection, string refreshToken, string? clientSecret, Action<string>? log, CancellationToken cancellationToken)
    {
        TokenResponse response;
        try
        {
            response = await OAuthFor(connection, clientSecret).RefreshAsync(refreshToken, log, cancellationToken).ConfigureAwait(false);
        }
        catch (ConstantContactApiException ex) when (ex.ErrorKey is "invalid_grant" or "invalid_client" or "unauthorized_client")
        {
            throw new ConnectionException(
                ConnectionErrorIds.RefreshTokenRejected, ConnectionErrorKind.AuthenticationError,
                $"Constant Contact refused the refresh token given with -RefreshToken ({ex.ErrorKey}): it is expired, revoked, already spent "
                + "(rotating refresh tokens work once), or belongs to another application than -ClientId"
                + (clientSecret is null ? " (an application with a client secret also needs -ClientSecret)." : "."),
                connection.Name, ex);
        }

        var withRefresh = new TokenResponse(response.AccessToken, response.RefreshToken ?? refreshToken, response.ExpiresIn, response.Scope);
        return TokenSet.FromGrant(withRefresh, clientSecret, pipeline.Time.GetUtcNow());
    }

    /// <summary>
    /// Saves the tokens, then the connection file, under the connection's lock so that no refresh in another
    /// process interleaves. A connection file never exists without its secrets: if the file cannot be written,
    /// the secrets are removed again.
    /// </summary>
    public async Task SaveAsync(ConnectionInfo connection, TokenSet tokens, CancellationToken cancellationToken)
    {
        var store = new TokenStore(paths);
        using (await CrossProcessLock.AcquireAsync(ConnectionSession.LockPathFor(paths, connection.Name), TokenManager.DefaultLockTimeout, pipeline.Time, cancellationToken).ConfigureAwait(false))
        {
            // Bound to the endpoints they were issued for: an edited connection file cannot send them elsewhere.
            store.Write(connection.Name, tokens.BoundTo(TokenBinding.For(connection)));
            try
            {
                new ConnectionStore(paths).Save(connection);
            }
            catch
            {
                store.Delete(connection.Name);
                throw;
            }
        }
    }

    private OAuthClient OAuthFor(ConnectionInfo connection, string? clientSecret)
    {
        var endpoints = new OAuthEndpoints(connection.AuthBaseUri);
        return new OAuthClient(pipeline.CreateAuthClient(), endpoints, connection.ClientId, clientSecret, tokenGate ?? TokenRequestGate.For(endpoints.Token), pipeline.Time);
    }
}
