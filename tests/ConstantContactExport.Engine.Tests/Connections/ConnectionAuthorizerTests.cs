using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Connections;

public sealed class ConnectionAuthorizerTests
{
    // A clock of its own: whether a stored token is fresh never depends on when the test runs. (The API's rate
    // limiter keeps the real clock: it only spaces requests, and no assertion is made on time.)
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider time = new(Now);

    private static ConnectionInfo Connection() => new(
        "Prod", null, new Uri("http://127.0.0.1:9/v3"), new Uri("http://127.0.0.1:9/oauth2/default/v1"),
        "client-1", "ada", Now, Array.Empty<string>());

    [Fact]
    public async Task A_refresh_token_given_by_hand_is_spent_once_and_its_successor_saved_with_the_connection()
    {
        using var home = new TempHome();
        var server = new FakeTokenServer(rotating: true);
        string given = server.IssueRefreshToken();
        var pipeline = new HttpPipeline(time, () => server.Handler(), _ => ApiRateLimiters.Create());
        var authorizer = new ConnectionAuthorizer(home.Paths, pipeline, new TokenRequestGate(time, TimeSpan.Zero));

        TokenSet tokens = await authorizer.RefreshTokenAsync(Connection(), given, "app-secret", null, CancellationToken.None);
        await authorizer.SaveAsync(Connection(), tokens, CancellationToken.None);

        TokenSet stored = new TokenStore(home.Paths).Read("Prod")!;
        Assert.NotEqual(given, stored.RefreshToken);
        Assert.Equal("app-secret", stored.ClientSecret);
        Assert.Equal(1, server.RefreshRequests);
        Assert.NotNull(new ConnectionStore(home.Paths).Find("Prod"));
        string connectionFile = System.IO.File.ReadAllText(new ConnectionStore(home.Paths).PathFor("Prod"));
        Assert.DoesNotContain(stored.RefreshToken, connectionFile, StringComparison.Ordinal);
        Assert.DoesNotContain("app-secret", connectionFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_refresh_token_saves_nothing_and_says_why()
    {
        using var home = new TempHome();
        var server = new FakeTokenServer();
        var pipeline = new HttpPipeline(time, () => server.Handler(), _ => ApiRateLimiters.Create());
        var authorizer = new ConnectionAuthorizer(home.Paths, pipeline, new TokenRequestGate(time, TimeSpan.Zero));

        var error = await Assert.ThrowsAsync<ConnectionException>(() => authorizer.RefreshTokenAsync(Connection(), "refresh-never-issued-0123456789abcdef0123456789", null, null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.RefreshTokenRejected, error.ErrorId);
        Assert.DoesNotContain("refresh-never-issued", error.ToString(), StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(home.Paths.Connections));
        Assert.False(System.IO.Directory.Exists(home.Paths.Secrets));
    }

    [Fact]
    public async Task A_session_reads_the_account_with_the_stored_token_and_revokes_it()
    {
        using var home = new TempHome();
        var tokens = new TokenSet("access-1-0123456789abcdef0123456789abcdef", "refresh-1-0123456789abcdef0123456789abcdef",
            Now, Now.AddHours(24), null, null);
        new TokenStore(home.Paths).Write("Prod", tokens.BoundTo(TokenBinding.For(Connection())));
        var server = new FakeHttpHandler(request => request.Uri.AbsolutePath switch
        {
            "/v3/account/summary" => FakeHttpHandler.Json(HttpStatusCode.OK,
                """{"encoded_account_id":"a07e1abc","organization_name":"Acme Ltd","contact_email":"owner@example.com","first_name":"Ada"}"""),
            "/oauth2/default/v1/revoke" => new HttpResponseMessage(HttpStatusCode.OK),
            _ => FakeHttpHandler.Json(HttpStatusCode.NotFound, "[]"),
        });
        var pipeline = new HttpPipeline(time, () => server, _ => ApiRateLimiters.Create());
        var session = new ConnectionSession(Connection(), home.Paths, pipeline, new TokenRequestGate(time, TimeSpan.Zero));

        AccountSummary account = await session.GetAccountSummaryAsync(null, CancellationToken.None);
        Assert.Equal("Acme Ltd", account.Account);
        Assert.Equal("Bearer " + tokens.AccessToken, server.Requests.First().Authorization);

        Assert.True(await session.RevokeAsync(null, CancellationToken.None));
        RecordedRequest revoke = server.Requests.Last();
        Assert.Equal(tokens.RefreshToken, revoke.Form()["token"]);
        Assert.Equal("refresh_token", revoke.Form()["token_type_hint"]);
    }

    [Fact]
    public async Task Without_account_read_the_token_is_checked_on_the_lists_instead()
    {
        using var home = new TempHome();
        new TokenStore(home.Paths).Write("Prod", new TokenSet("a", "r", Now, Now.AddHours(1), "contact_data offline_access", null).BoundTo(TokenBinding.For(Connection())));
        var server = new FakeHttpHandler(request => request.Uri.AbsolutePath == "/v3/account/summary"
            ? FakeHttpHandler.Json(HttpStatusCode.Forbidden, """[{"error_key":"forbidden","error_message":"The access token lacks the 'account_read' scope."}]""")
            : FakeHttpHandler.Json(HttpStatusCode.OK, """{"lists":[],"lists_count":0}"""));
        var session = new ConnectionSession(Connection(), home.Paths, new HttpPipeline(time, () => server, _ => ApiRateLimiters.Create()),
            new TokenRequestGate(time, TimeSpan.Zero));

        AccountSummary account = await session.GetAccountSummaryAsync(null, CancellationToken.None);
        Assert.Null(account.Account);
        Assert.Equal("/v3/contact_lists", server.Requests.Last().Uri.AbsolutePath);
    }

    [Fact]
    public async Task A_refused_token_is_a_typed_error()
    {
        using var home = new TempHome();
        new TokenStore(home.Paths).Write("Prod", new TokenSet("a", "r", Now, Now.AddHours(1), null, null).BoundTo(TokenBinding.For(Connection())));
        var server = new FakeHttpHandler(request => request.Uri.AbsolutePath == "/oauth2/default/v1/token"
            ? FakeHttpHandler.Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"The refresh token is invalid or expired."}""")
            : FakeHttpHandler.Json(HttpStatusCode.Unauthorized, """{"error_key":"unauthorized","error_message":"Unauthorized"}"""));
        var session = new ConnectionSession(Connection(), home.Paths, new HttpPipeline(time, () => server, _ => ApiRateLimiters.Create()),
            new TokenRequestGate(time, TimeSpan.Zero));

        var error = await Assert.ThrowsAsync<ConnectionException>(() => session.GetAccountSummaryAsync(null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.RefreshTokenRejected, error.ErrorId);
    }

    [Fact]
    public async Task A_server_without_revocation_is_reported_as_not_revoked()
    {
        using var home = new TempHome();
        new TokenStore(home.Paths).Write("Prod", new TokenSet("a", "r", Now, Now.AddHours(1), null, null).BoundTo(TokenBinding.For(Connection())));
        var server = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.NotFound, "{}"));
        var session = new ConnectionSession(Connection(), home.Paths, new HttpPipeline(time, () => server, _ => ApiRateLimiters.Create()),
            new TokenRequestGate(time, TimeSpan.Zero));

        Assert.False(await session.RevokeAsync(null, CancellationToken.None));
    }
}
