using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Auth;

public sealed class BrowserFlowTests
{
    private static readonly Uri AuthBase = new("https://authz.example.test/oauth2/default/v1");

    // Port 0: the system picks a free one, so tests running at once never collide on the default 8765.
    private static readonly Uri AnyPort = new("http://127.0.0.1:0/callback");

    [Fact]
    public void The_S256_challenge_matches_RFC_7636_appendix_B()
    {
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", PkceChallenge.ChallengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        PkceChallenge pkce = PkceChallenge.Create();
        Assert.Equal(43, pkce.Verifier.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", pkce.Verifier);
        Assert.NotEqual(pkce.Verifier, PkceChallenge.Create().Verifier);
    }

    [Fact]
    public async Task Signs_in_through_the_loopback_redirect_with_PKCE_and_state()
    {
        string? challenge = null;
        string? redeemedWith = null;
        string? askedWith = null;
        var handler = new FakeHttpHandler(request =>
        {
            Dictionary<string, string> form = request.Form();
            Assert.Equal("authorization_code", form["grant_type"]);
            Assert.Equal("code-1", form["code"]);
            Assert.Equal(challenge, PkceChallenge.ChallengeOf(form["code_verifier"]));
            Assert.Matches(@"^http://127\.0\.0\.1:[1-9][0-9]*/callback$", form["redirect_uri"]);
            redeemedWith = form["redirect_uri"];
            return FakeHttpHandler.Json(HttpStatusCode.OK, """{"access_token":"at-1","expires_in":86400,"refresh_token":"rt-1","scope":"contact_data offline_access"}""");
        });
        // The flow's deadline is on a clock that never moves here: real time only bounds the test (hang guard).
        var time = new TimerClock();
        var client = new OAuthClient(new HttpClient(handler), new OAuthEndpoints(AuthBase), "client-1", null, new TokenRequestGate(time, TimeSpan.Zero), time);
        using var browser = new HttpClient();

        TokenResponse tokens = await new BrowserFlow(client, time).RunAsync(
            AnyPort,
            uri =>
            {
                // A scripted browser: reads the authorization request and "signs in" by calling the redirect URI.
                Dictionary<string, string> query = LoopbackQuery(uri);
                Assert.Equal("/oauth2/default/v1/authorize", uri.AbsolutePath);
                Assert.Equal("code", query["response_type"]);
                Assert.Equal("client-1", query["client_id"]);
                Assert.Equal("contact_data offline_access account_read", query["scope"]);
                Assert.Equal("S256", query["code_challenge_method"]);
                challenge = query["code_challenge"];
                string redirect = query["redirect_uri"];
                askedWith = redirect;
                _ = Task.Run(async () =>
                {
                    // The listener answers only at the registered path.
                    HttpResponseMessage elsewhere = await browser.GetAsync(redirect.Replace("/callback", "/", StringComparison.Ordinal) + "?code=code-1&state=" + Uri.EscapeDataString(query["state"]));
                    Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
                    // A forged answer first (wrong state): refused and ignored.
                    HttpResponseMessage forged = await browser.GetAsync(redirect + "?code=evil&state=wrong");
                    Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
                    HttpResponseMessage favicon = await browser.GetAsync(redirect + "favicon.ico");
                    Assert.Equal(HttpStatusCode.NotFound, favicon.StatusCode);
                    HttpResponseMessage real = await browser.GetAsync(redirect + "?code=code-1&state=" + Uri.EscapeDataString(query["state"]));
                    Assert.Equal(HttpStatusCode.OK, real.StatusCode);
                });
            },
            TimeSpan.FromSeconds(30), null, CancellationToken.None).WaitAsync(TimerClock.HangGuard);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Single(handler.Requests);
        // The authorization request and the code redemption name the same redirect URI, character for character.
        Assert.Equal(askedWith, redeemedWith);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8765/callback")]
    [InlineData("http://127.0.0.1:8765")] // sent without the '/' that normalizing would add: the server compares text
    [InlineData("http://localhost:8765/cc/")]
    [InlineData("http://[::1]:8765/callback")]
    public void The_authorization_request_names_the_redirect_uri_exactly_as_given(string redirect)
    {
        Uri uri = BrowserFlow.AuthorizationUri(new OAuthEndpoints(AuthBase), "client-1", new Uri(redirect), "s", PkceChallenge.Create());
        Assert.Equal(redirect, LoopbackQuery(uri)["redirect_uri"]);
        Assert.Null(LoopbackRedirectListener.Problem(new Uri(redirect)));
    }

    [Fact]
    public void The_default_redirect_uri_is_the_one_the_docs_say_to_register()
    {
        Assert.Equal("http://127.0.0.1:8765/callback", BrowserFlow.DefaultRedirectUri.OriginalString);
    }

    [Theory]
    [InlineData("https://127.0.0.1:8765/callback")]
    [InlineData("http://example.com:8765/callback")]
    [InlineData("http://127.0.0.2:8765/callback")]
    [InlineData("http://127.0.0.1/callback")]
    [InlineData("http://127.0.0.1:8765/callback?x=1")]
    public void A_redirect_uri_that_cannot_be_a_loopback_listener_is_refused(string redirect)
    {
        Assert.NotNull(LoopbackRedirectListener.Problem(new Uri(redirect)));
        Assert.Throws<ArgumentException>(() => LoopbackRedirectListener.Start(new Uri(redirect)));
    }

    [Fact]
    public async Task A_port_in_use_is_a_clear_error_naming_it()
    {
        using LoopbackRedirectListener first = LoopbackRedirectListener.Start(AnyPort);
        var taken = new Uri($"http://127.0.0.1:{first.Port}/callback");
        var client = new OAuthClient(new HttpClient(new FakeHttpHandler((Func<RecordedRequest, HttpResponseMessage>)(_ => throw new InvalidOperationException()))), new OAuthEndpoints(AuthBase), "client-1", null,
            new TokenRequestGate(TimeProvider.System, TimeSpan.Zero), TimeProvider.System);
        var error = await Assert.ThrowsAsync<ConnectionException>(() => new BrowserFlow(client, TimeProvider.System).RunAsync(taken, _ => { }, TimeSpan.FromSeconds(5), null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.RedirectPortInUse, error.ErrorId);
        Assert.Contains($"port {first.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("-RedirectUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_in_the_browser_is_consent_refused()
    {
        var handler = new FakeHttpHandler((Func<RecordedRequest, HttpResponseMessage>)(_ => throw new InvalidOperationException("no token request expected")));
        // The flow's deadline is on a clock that never moves here: real time only bounds the test (hang guard).
        var time = new TimerClock();
        var client = new OAuthClient(new HttpClient(handler), new OAuthEndpoints(AuthBase), "client-1", null, new TokenRequestGate(time, TimeSpan.Zero), time);
        using var browser = new HttpClient();

        var error = await Assert.ThrowsAsync<ConnectionException>(() => new BrowserFlow(client, time).RunAsync(
            AnyPort,
            uri =>
            {
                Dictionary<string, string> query = LoopbackQuery(uri);
                _ = browser.GetAsync(query["redirect_uri"] + "?error=access_denied&error_description=The+user+said+no&state=" + Uri.EscapeDataString(query["state"]));
            },
            TimeSpan.FromSeconds(30), null, CancellationToken.None).WaitAsync(TimerClock.HangGuard));
        Assert.Equal(ConnectionErrorIds.AuthorizationDenied, error.ErrorId);
    }

    [Fact]
    public async Task Gives_up_when_no_answer_comes()
    {
        var time = new TimerClock();
        var client = new OAuthClient(new HttpClient(new FakeHttpHandler((Func<RecordedRequest, HttpResponseMessage>)(_ => throw new InvalidOperationException()))), new OAuthEndpoints(AuthBase), "client-1", null,
            new TokenRequestGate(time, TimeSpan.Zero), time);
        DateTimeOffset start = time.GetUtcNow();
        Task<TokenResponse> flow = new BrowserFlow(client, time).RunAsync(AnyPort, _ => { }, TimeSpan.FromMinutes(5), null, CancellationToken.None);

        // The deadline is the timeout; a moment short of it the flow still waits, at it the flow gives up.
        Assert.Equal(start + TimeSpan.FromMinutes(5), await time.WaitForTimerAsync());
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.False(flow.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var error = await Assert.ThrowsAsync<ConnectionException>(() => flow.WaitAsync(TimerClock.HangGuard));
        Assert.Equal(ConnectionErrorIds.AuthorizationExpired, error.ErrorId);
    }

    [Fact]
    public async Task The_listener_takes_loopback_only_and_stops_on_cancellation()
    {
        using LoopbackRedirectListener listener = LoopbackRedirectListener.Start(AnyPort);
        Assert.Equal("127.0.0.1", listener.RedirectUri.Host);
        Assert.Equal($"http://127.0.0.1:{listener.Port}/callback", listener.RedirectUriText);
        using var cancel = new CancellationTokenSource();
        Task<AuthorizationCallback> waiting = listener.WaitAsync("state", cancel.Token);
        Assert.False(waiting.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimerClock.HangGuard));
    }

    private static Dictionary<string, string> LoopbackQuery(Uri uri) => LoopbackRedirectListenerAccess.ParseQuery(uri.Query.TrimStart('?'));
}

/// <summary>The listener's query parser, reached through InternalsVisibleTo.</summary>
internal static class LoopbackRedirectListenerAccess
{
    public static Dictionary<string, string> ParseQuery(string query) => LoopbackRedirectListener.ParseQuery(query);
}
