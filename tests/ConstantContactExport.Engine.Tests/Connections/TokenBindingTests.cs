using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Connections;

/// <summary>
/// Issue #15: a stored token is bound to the endpoints it was issued for (kept in the secret store), so a connection
/// file edited to name other endpoints cannot send it there: refused before any request.
/// </summary>
public sealed class TokenBindingTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Now);

    private static ConnectionInfo Connection(string api = "http://127.0.0.1:9/v3", string auth = "http://127.0.0.1:9/oauth2/default/v1") =>
        new("Prod", null, new Uri(api), new Uri(auth), "client-1", "ada", Now, Array.Empty<string>());

    private static TokenSet Tokens(DateTimeOffset expires) =>
        new("access-0123456789abcdef0123456789abcdef", "refresh-0123456789abcdef0123456789abcdef", Now, expires, "contact_data offline_access", null);

    private (ConnectionSession Session, FakeHttpHandler Server) Session(TempHome home, ConnectionInfo connection)
    {
        var server = new FakeHttpHandler(request => request.Uri.AbsolutePath.EndsWith("/token", StringComparison.Ordinal)
            ? FakeHttpHandler.Json(HttpStatusCode.OK, """{"access_token":"access-new-0123456789abcdef0123456789ab","refresh_token":"refresh-new-0123456789abcdef0123456789","expires_in":3600,"token_type":"Bearer"}""")
            : FakeHttpHandler.Json(HttpStatusCode.OK, """{"encoded_account_id":"a07e1abc","organization_name":"Acme Ltd"}"""));
        var session = new ConnectionSession(connection, home.Paths, new HttpPipeline(time, () => server, _ => ApiRateLimiters.Create()), new TokenRequestGate(time, TimeSpan.Zero));
        return (session, server);
    }

    [Fact]
    public async Task Saved_tokens_are_bound_to_the_endpoints_they_were_issued_for()
    {
        using var home = new TempHome();
        await new ConnectionAuthorizer(home.Paths).SaveAsync(Connection(), Tokens(Now.AddHours(1)), CancellationToken.None);

        TokenBinding bound = new TokenStore(home.Paths).Read("Prod")!.Binding!;
        Assert.Equal("http://127.0.0.1:9/v3", bound.ApiBaseUri);
        Assert.Equal("http://127.0.0.1:9/oauth2/default/v1/token", bound.TokenEndpoint);
        Assert.NotNull(new TokenStore(home.Paths).ReadFor(Connection()));
    }

    [Theory]
    [InlineData("http://127.0.0.1:47001/v3", "http://127.0.0.1:9/oauth2/default/v1")]   // the API redirected: the access token would go there
    [InlineData("http://127.0.0.1:9/v3", "http://127.0.0.1:47001/oauth2/default/v1")]   // the token endpoint redirected: the refresh token would
    [InlineData("http://127.0.0.1:9/v4", "http://127.0.0.1:9/oauth2/default/v1")]
    public async Task An_edited_connection_file_is_refused_before_any_request(string api, string auth)
    {
        using var home = new TempHome();
        await new ConnectionAuthorizer(home.Paths).SaveAsync(Connection(), Tokens(Now.AddHours(1)), CancellationToken.None);
        ConnectionInfo edited = Connection(api, auth);
        var (session, server) = Session(home, edited);

        var error = await Assert.ThrowsAsync<ConnectionException>(() => session.GetAccountSummaryAsync(null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.TokenEndpointMismatch, error.ErrorId);
        Assert.Equal(ConnectionErrorKind.SecurityError, error.Kind);
        Assert.Contains("New-CCConnection -Name 'Prod'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("access-0123", error.ToString(), StringComparison.Ordinal);

        // Nor is the refresh token revoked at the edited endpoint.
        error = await Assert.ThrowsAsync<ConnectionException>(() => session.RevokeAsync(null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.TokenEndpointMismatch, error.ErrorId);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task An_expired_token_is_not_refreshed_at_an_edited_token_endpoint()
    {
        using var home = new TempHome();
        await new ConnectionAuthorizer(home.Paths).SaveAsync(Connection(), Tokens(Now.AddHours(-1)), CancellationToken.None);
        var (session, server) = Session(home, Connection(auth: "http://127.0.0.1:47001/oauth2/default/v1"));

        var error = await Assert.ThrowsAsync<ConnectionException>(() => session.Tokens.GetAccessTokenAsync(null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.TokenEndpointMismatch, error.ErrorId);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_binding_survives_a_refresh()
    {
        using var home = new TempHome();
        await new ConnectionAuthorizer(home.Paths).SaveAsync(Connection(), Tokens(Now.AddHours(-1)), CancellationToken.None);
        var (session, server) = Session(home, Connection());

        Assert.StartsWith("access-new-", await session.Tokens.GetAccessTokenAsync(null, CancellationToken.None), StringComparison.Ordinal);
        Assert.Single(server.Requests);
        TokenSet stored = new TokenStore(home.Paths).Read("Prod")!;
        Assert.StartsWith("access-new-", stored.AccessToken, StringComparison.Ordinal);
        Assert.True(stored.Binding!.Matches(TokenBinding.For(Connection())));
    }

    [Fact]
    public async Task Tokens_stored_without_a_binding_are_refused_for_endpoints_other_than_constant_contacts()
    {
        using var home = new TempHome();
        new TokenStore(home.Paths).Write("Prod", Tokens(Now.AddHours(1)));
        var (session, server) = Session(home, Connection());

        var error = await Assert.ThrowsAsync<ConnectionException>(() => session.GetAccountSummaryAsync(null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.TokenNotBound, error.ErrorId);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Tokens_stored_without_a_binding_go_to_constant_contact_and_are_bound_to_it_at_the_next_refresh()
    {
        using var home = new TempHome();
        new TokenStore(home.Paths).Write("Prod", Tokens(Now.AddHours(-1)));
        ConnectionInfo real = Connection(ConnectionEndpoints.DefaultApiBaseUri.AbsoluteUri, ConnectionEndpoints.DefaultAuthBaseUri.AbsoluteUri);
        var (session, server) = Session(home, real);

        await session.Tokens.GetAccessTokenAsync(null, CancellationToken.None);
        Assert.Equal("https://authz.constantcontact.com/oauth2/default/v1/token", Assert.Single(server.Requests).Uri.AbsoluteUri);
        Assert.True(new TokenStore(home.Paths).Read("Prod")!.Binding!.Matches(TokenBinding.ConstantContact));
    }
}
