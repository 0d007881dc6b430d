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
        var handler = new FakeHttpHandler(request =>
        {
            Dictionary<string, string> form = request.Form();
            Assert.Equal("authorization_code", form["grant_type"]);
            Assert.Equal("code-1", form["code"]);
            Assert.Equal(challenge, PkceChallenge.ChallengeOf(form["code_verifier"]));
            Assert.StartsWith("http://127.0.0.1:", form["redirect_uri"], StringComparison.Ordinal);
            return FakeHttpHandler.Json(HttpStatusCode.OK, """{"access_token":"at-1","expires_in":86400,"refresh_token":"rt-1","scope":"contact_data offline_access"}""");
        });
        // The flow's deadline is on a clock that never moves here: real time only bounds the test (hang guard).
        var time = new TimerClock();
        var client = new OAuthClient(new HttpClient(handler), new OAuthEndpoints(AuthBase), "client-1", null, new TokenRequestGate(time, TimeSpan.Zero), time);
        using var browser = new HttpClient();

        TokenResponse tokens = await new BrowserFlow(client, time).RunAsync(
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
                _ = Task.Run(async () =>
                {
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
        Task<TokenResponse> flow = new BrowserFlow(client, time).RunAsync(_ => { }, TimeSpan.FromMinutes(5), null, CancellationToken.None);

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
        using LoopbackRedirectListener listener = LoopbackRedirectListener.Start();
        Assert.Equal("127.0.0.1", listener.RedirectUri.Host);
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
