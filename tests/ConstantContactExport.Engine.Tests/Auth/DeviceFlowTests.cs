using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Auth;

public sealed class DeviceFlowTests
{
    private static readonly Uri AuthBase = new("https://authz.example.test/oauth2/default/v1");

    private const string DeviceAnswer =
        """{"device_code":"device-code-secret","user_code":"BCDF-GHJK","verification_uri":"https://authz.example.test/activate","verification_uri_complete":"https://authz.example.test/activate?user_code=BCDF-GHJK","expires_in":600,"interval":5}""";

    private const string TokenAnswer =
        """{"access_token":"at-1","token_type":"Bearer","expires_in":86400,"scope":"contact_data offline_access","refresh_token":"rt-1"}""";

    private const string SlowDownBody = """{"error":"slow_down","error_description":"slow_down said the server"}""";

    /// <summary>
    /// Runs a device flow against scripted poll answers, moving the clock to each pause the flow waits out (never
    /// while it runs), until it ends; returns it and the poll times.
    /// </summary>
    private static async Task<(Task<TokenResponse> Flow, List<TimeSpan> PollTimes, FakeHttpHandler Handler, DeviceAuthorization? Shown)> RunAsync(params string[] pollAnswers)
    {
        var time = new TimerClock(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        DateTimeOffset start = time.GetUtcNow();
        var pollTimes = new List<TimeSpan>();
        var answers = new Queue<string>(pollAnswers);
        var handler = new FakeHttpHandler(request =>
        {
            if (request.Uri.AbsolutePath.EndsWith("/device/authorize", StringComparison.Ordinal))
            {
                return FakeHttpHandler.Json(HttpStatusCode.OK, DeviceAnswer);
            }

            pollTimes.Add(time.GetUtcNow() - start);
            string answer = answers.Count > 0 ? answers.Dequeue() : "authorization_pending";
            return answer switch
            {
                "ok" => FakeHttpHandler.Json(HttpStatusCode.OK, TokenAnswer),
                "slow_down" => FakeHttpHandler.Json((HttpStatusCode)429, SlowDownBody),
                "slow_down_400" => FakeHttpHandler.Json(HttpStatusCode.BadRequest, SlowDownBody),
                // The token endpoint's own rate limit, in Okta's shape: no OAuth error code at all.
                "rate_limited" => FakeHttpHandler.Json((HttpStatusCode)429, """{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}"""),
                _ => FakeHttpHandler.Json(HttpStatusCode.BadRequest, $"{{\"error\":\"{answer}\",\"error_description\":\"{answer} said the server\"}}"),
            };
        });
        var client = new OAuthClient(new HttpClient(handler), new OAuthEndpoints(AuthBase), "client-1", null, new TokenRequestGate(time, TimeSpan.Zero), time);
        DeviceAuthorization? shown = null;
        Task<TokenResponse> flow = new DeviceFlow(client, time).RunAsync(a => shown = a, null, CancellationToken.None);
        await time.DriveAsync(flow);
        return (flow, pollTimes, handler, shown);
    }

    [Fact]
    public async Task Shows_the_code_then_polls_at_the_interval_until_approved()
    {
        var (flow, pollTimes, handler, shown) = await RunAsync("authorization_pending", "authorization_pending", "ok");
        TokenResponse tokens = await flow;

        Assert.Equal("BCDF-GHJK", shown!.UserCode);
        Assert.Equal(new Uri("https://authz.example.test/activate"), shown.VerificationUri);
        Assert.DoesNotContain("device-code-secret", shown.ToString(), StringComparison.Ordinal);
        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal("rt-1", tokens.RefreshToken);
        Assert.Equal(new[] { 5.0, 10, 15 }, pollTimes.Select(t => t.TotalSeconds).ToArray());

        Dictionary<string, string> start = handler.Requests.First().Form();
        Assert.Equal("contact_data offline_access account_read", start["scope"]);
        Assert.Equal("client-1", start["client_id"]);
        Dictionary<string, string> poll = handler.Requests.Last().Form();
        Assert.Equal("urn:ietf:params:oauth:grant-type:device_code", poll["grant_type"]);
        Assert.Equal("device-code-secret", poll["device_code"]);
    }

    [Theory]
    [InlineData("slow_down")] // as a 429
    [InlineData("slow_down_400")] // as RFC 8628 §3.5 has it
    [InlineData("rate_limited")] // a 429 with no OAuth error code
    public async Task Slow_down_adds_five_seconds_to_the_interval_for_good(string answer)
    {
        var (flow, pollTimes, _, _) = await RunAsync(answer, "authorization_pending", "ok");
        TokenResponse tokens = await flow;
        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal(new[] { 5.0, 15, 25 }, pollTimes.Select(t => t.TotalSeconds).ToArray());
    }

    [Fact]
    public async Task Slow_down_twice_adds_ten_seconds()
    {
        var (flow, pollTimes, _, _) = await RunAsync("slow_down_400", "slow_down", "ok");
        await flow;
        Assert.Equal(new[] { 5.0, 15, 30 }, pollTimes.Select(t => t.TotalSeconds).ToArray());
    }

    [Fact]
    public async Task Access_denied_is_consent_refused()
    {
        var (flow, _, _, _) = await RunAsync("authorization_pending", "access_denied");
        var error = await Assert.ThrowsAsync<ConnectionException>(() => flow);
        Assert.Equal(ConnectionErrorIds.AuthorizationDenied, error.ErrorId);
        Assert.Equal(ConnectionErrorKind.PermissionDenied, error.Kind);
    }

    [Fact]
    public async Task Expired_token_ends_the_flow()
    {
        var (flow, _, _, _) = await RunAsync("expired_token");
        var error = await Assert.ThrowsAsync<ConnectionException>(() => flow);
        Assert.Equal(ConnectionErrorIds.AuthorizationExpired, error.ErrorId);
        Assert.Contains("BCDF-GHJK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_code_expires_on_the_clients_clock_too()
    {
        // Pending for ever: after expires_in (600 s) the client stops by itself.
        var (flow, pollTimes, _, _) = await RunAsync();
        var error = await Assert.ThrowsAsync<ConnectionException>(() => flow);
        Assert.Equal(ConnectionErrorIds.AuthorizationExpired, error.ErrorId);
        // Every 5 seconds up to 595; at 600 the code is dead and no poll goes out.
        Assert.Equal(Enumerable.Range(1, 119).Select(i => i * 5.0), pollTimes.Select(t => t.TotalSeconds));
    }

    [Fact]
    public async Task Cancellation_stops_polling()
    {
        var time = new FakeTimeProvider();
        var handler = new FakeHttpHandler(request => request.Uri.AbsolutePath.EndsWith("/device/authorize", StringComparison.Ordinal)
            ? FakeHttpHandler.Json(HttpStatusCode.OK, DeviceAnswer)
            : FakeHttpHandler.Json(HttpStatusCode.BadRequest, """{"error":"authorization_pending"}"""));
        var client = new OAuthClient(new HttpClient(handler), new OAuthEndpoints(AuthBase), "client-1", null, new TokenRequestGate(time, TimeSpan.Zero), time);
        using var cancel = new CancellationTokenSource();
        Task<TokenResponse> flow = new DeviceFlow(client, time).RunAsync(_ => cancel.Cancel(), null, cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => flow);
    }

    [Fact]
    public void A_grant_without_a_refresh_token_is_refused_with_the_reason()
    {
        var response = new TokenResponse("at-1", null, TimeSpan.FromHours(24), "contact_data");
        var error = Assert.Throws<ConnectionException>(() => TokenSet.FromGrant(response, null, DateTimeOffset.UtcNow));
        Assert.Equal(ConnectionErrorIds.NoRefreshToken, error.ErrorId);
        Assert.Contains("offline_access", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("at-1", error.Message, StringComparison.Ordinal);
    }
}
