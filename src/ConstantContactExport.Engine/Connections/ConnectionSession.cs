using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// A connection in use: its <see cref="ConnectionInfo"/>, its <see cref="TokenManager"/> (tokens cached in
/// memory, refreshed as needed) and HttpClients on the shared pipeline. The cmdlets keep one per connection per
/// runspace; the export code gets it from there and calls <see cref="CreateHttpClient"/>.
/// </summary>
public sealed class ConnectionSession
{
    private readonly HttpPipeline pipeline;
    private readonly OAuthEndpoints endpoints;
    private readonly TokenRequestGate tokenGate;

    public ConnectionSession(ConnectionInfo connection, StoragePaths paths, HttpPipeline? pipeline = null, TokenRequestGate? tokenGate = null)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Paths = paths ?? throw new ArgumentNullException(nameof(paths));
        this.pipeline = pipeline ?? HttpPipeline.Shared;
        endpoints = new OAuthEndpoints(connection.AuthBaseUri);
        this.tokenGate = tokenGate ?? TokenRequestGate.For(endpoints.Token);
        TokenStore = new TokenStore(paths);
        Tokens = new TokenManager(connection, TokenStore, CreateOAuthClient, LockPathFor(paths, connection.Name), this.pipeline.Time);
    }

    public ConnectionInfo Connection { get; private set; }

    /// <summary>
    /// Takes the connection as its file now says (export users, display name), keeping the tokens: a session
    /// lives as long as its runspace, and an admin may edit the file meanwhile.
    /// </summary>
    internal void Refresh(ConnectionInfo current) => Connection = current;

    public StoragePaths Paths { get; }

    public TokenStore TokenStore { get; }

    public TokenManager Tokens { get; }

    public DateTimeOffset? TokenExpiresOn => Tokens.ExpiresOn;

    /// <summary>
    /// Checks, before a command creates anything or sends a request, that the stored tokens were issued for the
    /// endpoints the connection file names (<see cref="TokenStore.ReadFor"/>): a <see cref="ConnectionException"/>
    /// (TokenEndpointMismatch, TokenNotBound) when not. No tokens at all is left to the first use (TokenMissing).
    /// </summary>
    public void EnsureTokensBound() => TokenStore.ReadFor(Connection);

    /// <summary>The lock that one connection's token refreshes, replacements and removal take.</summary>
    public static string LockPathFor(StoragePaths paths, string connectionName) =>
        CrossProcessLock.PathFor(paths, "connection-" + SafeName.Check(connectionName, "connection"));

    /// <summary>
    /// An HttpClient for this connection's API calls, BaseAddress the API base URI with a trailing slash (so
    /// <c>GetAsync("account/summary")</c> works). The bearer token (refreshed ahead of expiry, and once more on
    /// a 401) and the process's 4-a-second limit come with it; answers come back as they are, errors included.
    /// <paramref name="requestLog"/> gets one line per request, on any thread. Nothing is tried again here: the
    /// caller decides (<see cref="RetryPolicy.SendGetAsync"/> for a GET). Dispose it when done; the pooled handlers stay.
    /// </summary>
    public HttpClient CreateHttpClient(Action<string>? requestLog) =>
        pipeline.CreateApiClient(Connection.ApiBaseUri, new ApiRequestContext(Tokens, requestLog, Connection.ApiBaseUri));

    public OAuthClient CreateOAuthClient(string? clientSecret) =>
        new(pipeline.CreateAuthClient(), endpoints, Connection.ClientId, clientSecret, tokenGate, pipeline.Time);

    /// <summary>
    /// GET /account/summary with the connection's token, refreshing it as needed. A connection whose grant
    /// lacks <c>account_read</c> (a refresh token made elsewhere) gets 403 there; then GET /contact_lists
    /// proves the token works and the account stays unnamed. Other errors throw
    /// <see cref="ConstantContactApiException"/>.
    /// </summary>
    public async Task<AccountSummary> GetAccountSummaryAsync(Action<string>? requestLog, CancellationToken cancellationToken)
    {
        using HttpClient http = CreateHttpClient(requestLog);
        using (HttpResponseMessage response = await GetAsync(http, "account/summary", requestLog, cancellationToken).ConfigureAwait(false))
        {
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return AccountSummary.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                }
                catch (System.Text.Json.JsonException)
                {
                    return new AccountSummary(null, null);
                }
            }

            if (response.StatusCode != System.Net.HttpStatusCode.Forbidden)
            {
                throw await ConstantContactApiException.FromResponseAsync(response, pipeline.Time).ConfigureAwait(false);
            }
        }

        requestLog?.Invoke("The connection may not read the account summary (no account_read scope); checking the token with GET /contact_lists instead.");
        using (HttpResponseMessage lists = await GetAsync(http, "contact_lists?limit=1", requestLog, cancellationToken).ConfigureAwait(false))
        {
            await lists.EnsureApiSuccessAsync(pipeline.Time).ConfigureAwait(false);
        }

        return new AccountSummary(null, null);
    }

    /// <summary>A GET at the prompt: a 5xx or a dropped connection is tried again, <see cref="RetryPolicy.CommandAttempts"/> tries in all.</summary>
    private Task<HttpResponseMessage> GetAsync(HttpClient http, string relative, Action<string>? requestLog, CancellationToken cancellationToken) =>
        pipeline.Retry.SendGetAsync(ct => http.GetAsync(relative, ct), RetryPolicy.CommandAttempts, relative.Split('?')[0], requestLog, cancellationToken);

    /// <summary>
    /// Asks the authorization server to revoke the refresh token (and with it the access tokens it produced).
    /// True when it did; false when there was no token or the server does not revoke.
    /// </summary>
    public async Task<bool> RevokeAsync(Action<string>? log, CancellationToken cancellationToken)
    {
        TokenSet? tokens = TokenStore.ReadFor(Connection);
        if (tokens is null)
        {
            return false;
        }

        await tokenGate.WaitTurnAsync(cancellationToken).ConfigureAwait(false);
        return await CreateOAuthClient(tokens.ClientSecret).RevokeAsync(tokens.RefreshToken, "refresh_token", log, cancellationToken).ConfigureAwait(false);
    }
}
