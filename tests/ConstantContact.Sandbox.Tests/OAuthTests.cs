using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using ConstantContact.Sandbox.Hosting;
using ConstantContact.Sandbox.OAuth;
using ConstantContact.Sandbox.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContact.Sandbox.Tests;

public sealed class OAuthTests
{
    private const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>The sandbox's clock in the tests of intervals, lifetimes and limits: it moves only when a test moves it.</summary>
    private static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Device_flow_with_manual_approval_waits_then_issues_tokens()
    {
        var time = NewClock();
        await using var sandbox = await TestSandbox.StartAsync(
            o =>
            {
                o.ManualApproval = true;
                o.DeviceIntervalSeconds = 1;
            },
            time);
        var device = await sandbox.PostFormAsync("oauth2/default/v1/device/authorize", ("client_id", sandbox.ClientId), ("scope", "contact_data offline_access"));
        Assert.Equal(HttpStatusCode.OK, device.Status);
        Assert.Equal(1, device.Json!["interval"]!.GetValue<int>());
        Assert.Matches("^[A-Z]{4}-[A-Z]{4}$", device.Json["user_code"]!.GetValue<string>());
        Assert.StartsWith("http://127.0.0.1:", device.Json["verification_uri"]!.GetValue<string>(), StringComparison.Ordinal);
        var deviceCode = device.Json["device_code"]!.GetValue<string>();

        var pending = await PollAsync(sandbox, deviceCode);
        Assert.Equal(HttpStatusCode.BadRequest, pending.Status);
        Assert.Equal("authorization_pending", pending.Json!["error"]!.GetValue<string>());
        Assert.NotNull(pending.Json["error_description"]);

        // Polling faster than the interval is slow_down (shown on a second code, whose interval it lengthens).
        var other = (await StartDeviceAsync(sandbox))["device_code"]!.GetValue<string>();
        await PollAsync(sandbox, other);
        var tooSoon = await PollAsync(sandbox, other);
        Assert.Equal("slow_down", tooSoon.Json!["error"]!.GetValue<string>());

        var approved = await sandbox.PostJsonAsync("__sandbox/approve", new JsonObject { ["user_code"] = device.Json["user_code"]!.GetValue<string>() });
        Assert.Equal(1, approved.Json!["count"]!.GetValue<int>());

        time.Advance(TimeSpan.FromSeconds(1));
        var token = await PollAsync(sandbox, deviceCode);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal("Bearer", token.Json!["token_type"]!.GetValue<string>());
        Assert.Equal(86_400, token.Json["expires_in"]!.GetValue<int>());
        Assert.Equal("contact_data offline_access", token.Json["scope"]!.GetValue<string>());
        Assert.True(token.Json["access_token"]!.GetValue<string>().Length >= 900);
        Assert.NotNull(token.Json["refresh_token"]);
        Assert.Equal("no-store", token.Headers.CacheControl?.ToString());

        var again = await PollAsync(sandbox, deviceCode);
        Assert.Equal("invalid_grant", again.Json!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Device_flow_denied_and_expired_codes()
    {
        var time = NewClock();
        await using var sandbox = await TestSandbox.StartAsync(
            o =>
            {
                o.ManualApproval = true;
                o.DeviceCodeLifetimeSeconds = 1;
            },
            time);
        var denied = await StartDeviceAsync(sandbox);
        var expired = await StartDeviceAsync(sandbox);
        await sandbox.PostJsonAsync("__sandbox/approve", new JsonObject { ["user_code"] = denied["user_code"]!.GetValue<string>(), ["deny"] = true });
        Assert.Equal("access_denied", (await PollAsync(sandbox, denied["device_code"]!.GetValue<string>())).Json!["error"]!.GetValue<string>());

        // Alive until its lifetime has passed, to the millisecond.
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal("authorization_pending", (await PollAsync(sandbox, expired["device_code"]!.GetValue<string>())).Json!["error"]!.GetValue<string>());
        time.Advance(TimeSpan.FromMilliseconds(1));
        var reply = await PollAsync(sandbox, expired["device_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("expired_token", reply.Json!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Approve_with_an_empty_body_approves_every_pending_code()
    {
        await using var sandbox = await TestSandbox.StartAsync(o => o.ManualApproval = true);
        var first = await StartDeviceAsync(sandbox);
        var second = await StartDeviceAsync(sandbox);
        var approved = await sandbox.SendAsync(new HttpRequestMessage(HttpMethod.Post, "__sandbox/approve"));
        Assert.Equal(2, approved.Json!["count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await PollAsync(sandbox, first["device_code"]!.GetValue<string>())).Status);
        Assert.Equal(HttpStatusCode.OK, (await PollAsync(sandbox, second["device_code"]!.GetValue<string>())).Status);
    }

    [Fact]
    public async Task Rotating_refresh_token_dies_when_used_and_its_reuse_is_invalid_grant()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var first = await sandbox.DeviceTokenAsync("contact_data offline_access");
        var oldRefresh = first["refresh_token"]!.GetValue<string>();

        var refreshed = await RefreshAsync(sandbox, oldRefresh);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        var newRefresh = refreshed.Json!["refresh_token"]!.GetValue<string>();
        Assert.NotEqual(oldRefresh, newRefresh);
        Assert.NotEqual(first["access_token"]!.GetValue<string>(), refreshed.Json["access_token"]!.GetValue<string>());

        var reuse = await RefreshAsync(sandbox, oldRefresh);
        Assert.Equal(HttpStatusCode.BadRequest, reuse.Status);
        Assert.Equal("invalid_grant", reuse.Json!["error"]!.GetValue<string>());

        // The rotated one still works, and the access token from it reaches the API.
        var next = await RefreshAsync(sandbox, newRefresh);
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists", next.Json!["access_token"]!.GetValue<string>())).Status);
    }

    [Fact]
    public async Task Long_lived_refresh_token_is_returned_again_and_stays_valid()
    {
        await using var sandbox = await TestSandbox.StartAsync(o => o.RefreshTokenMode = RefreshTokenMode.LongLived);
        var refresh = (await sandbox.DeviceTokenAsync("contact_data offline_access"))["refresh_token"]!.GetValue<string>();
        var first = await RefreshAsync(sandbox, refresh);
        var second = await RefreshAsync(sandbox, refresh);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(refresh, first.Json!["refresh_token"]!.GetValue<string>());
        Assert.Equal(refresh, second.Json!["refresh_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_refresh_token_without_offline_access()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var token = await sandbox.DeviceTokenAsync("contact_data");
        Assert.Null(token["refresh_token"]);
        Assert.Equal("contact_data", token["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_scope_and_unknown_client_are_refused()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var scope = await sandbox.PostFormAsync("oauth2/default/v1/device/authorize", ("client_id", sandbox.ClientId), ("scope", "contact_data everything"));
        Assert.Equal("invalid_scope", scope.Json!["error"]!.GetValue<string>());
        var client = await sandbox.PostFormAsync("oauth2/default/v1/device/authorize", ("client_id", "someone-else"), ("scope", "contact_data"));
        Assert.Equal(HttpStatusCode.Unauthorized, client.Status);
        Assert.Equal("invalid_client", client.Json!["error"]!.GetValue<string>());
        var grant = await sandbox.PostFormAsync("oauth2/default/v1/token", ("client_id", sandbox.ClientId), ("grant_type", "client_credentials"));
        Assert.Equal("unsupported_grant_type", grant.Json!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Authorization_code_flow_checks_pkce_s256()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        const string Redirect = "http://127.0.0.1:53682/callback";
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(48));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

        var code = await AuthorizeAsync(sandbox, Redirect, challenge, "xyz state");
        var wrong = await sandbox.PostFormAsync(
            "oauth2/default/v1/token", ("client_id", sandbox.ClientId), ("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", Redirect), ("code_verifier", WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(48))));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal("invalid_grant", wrong.Json!["error"]!.GetValue<string>());

        // A code that failed once is gone: a new authorization is needed.
        code = await AuthorizeAsync(sandbox, Redirect, challenge, "second");
        var token = await sandbox.PostFormAsync(
            "oauth2/default/v1/token", ("client_id", sandbox.ClientId), ("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", Redirect), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.NotNull(token.Json!["refresh_token"]);

        var reuse = await sandbox.PostFormAsync(
            "oauth2/default/v1/token", ("client_id", sandbox.ClientId), ("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", Redirect), ("code_verifier", verifier));
        Assert.Equal("invalid_grant", reuse.Json!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Authorize_refuses_non_loopback_redirects_plain_pkce_and_missing_state()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var remote = await sandbox.GetAsync($"oauth2/default/v1/authorize?client_id={sandbox.ClientId}&response_type=code&scope=contact_data&state=s&code_challenge=abc&code_challenge_method=S256&redirect_uri={Uri.EscapeDataString("https://example.com/cb")}");
        Assert.Equal(HttpStatusCode.BadRequest, remote.Status);

        var redirect = Uri.EscapeDataString("http://localhost:8080/cb");
        var plain = await sandbox.GetAsync($"oauth2/default/v1/authorize?client_id={sandbox.ClientId}&response_type=code&scope=contact_data&state=s&code_challenge=abc&code_challenge_method=plain&redirect_uri={redirect}");
        Assert.Equal(HttpStatusCode.Redirect, plain.Status);
        Assert.Contains("error=invalid_request", plain.Location!.Query, StringComparison.Ordinal);

        var noPkce = await sandbox.GetAsync($"oauth2/default/v1/authorize?client_id={sandbox.ClientId}&response_type=code&scope=contact_data&state=s&redirect_uri={redirect}");
        Assert.Contains("error=invalid_request", noPkce.Location!.Query, StringComparison.Ordinal);

        var noState = await sandbox.GetAsync($"oauth2/default/v1/authorize?client_id={sandbox.ClientId}&response_type=code&scope=contact_data&code_challenge=abc&code_challenge_method=S256&redirect_uri={redirect}");
        Assert.Contains("error=invalid_request", noState.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_registered_redirect_uris_authorize_takes_only_an_exact_match()
    {
        const string Registered = "http://127.0.0.1:8765/callback";
        await using var sandbox = await TestSandbox.StartAsync(o => o.RedirectUris.AddRange(SandboxOptions.Parse(["--redirect-uri", Registered]).RedirectUris));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(new string('v', 43))));
        Assert.NotEmpty(await AuthorizeAsync(sandbox, Registered, challenge, "s1"));

        // Another port, another path, a trailing '/', localhost for 127.0.0.1, a query: none is the registered text.
        foreach (var other in new[]
        {
            "http://127.0.0.1:8766/callback", "http://127.0.0.1:8765/", "http://127.0.0.1:8765/callback/",
            "http://localhost:8765/callback", "http://127.0.0.1:8765/callback?x=1", "http://127.0.0.1:8765/Callback",
        })
        {
            var reply = await sandbox.GetAsync(
                $"oauth2/default/v1/authorize?client_id={sandbox.ClientId}&response_type=code&scope=contact_data&state=s" +
                $"&code_challenge={challenge}&code_challenge_method=S256&redirect_uri={Uri.EscapeDataString(other)}");
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{other}: {reply.Status}");
            Assert.Null(reply.Location);
            Assert.Contains("registered", reply.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Confidential_client_must_authenticate_with_http_basic()
    {
        await using var sandbox = await TestSandbox.StartAsync(o => o.ClientSecret = "s3cret");
        var device = await StartDeviceAsync(sandbox);
        var deviceCode = device["device_code"]!.GetValue<string>();

        var formOnly = await sandbox.PostFormAsync("oauth2/default/v1/token", ("client_id", sandbox.ClientId), ("grant_type", DeviceGrant), ("device_code", deviceCode));
        Assert.Equal(HttpStatusCode.Unauthorized, formOnly.Status);
        Assert.Equal("invalid_client", formOnly.Json!["error"]!.GetValue<string>());

        var wrong = await PostBasicAsync(sandbox, "nope", ("grant_type", DeviceGrant), ("device_code", deviceCode));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);

        var right = await PostBasicAsync(sandbox, "s3cret", ("grant_type", DeviceGrant), ("device_code", deviceCode));
        Assert.Equal(HttpStatusCode.OK, right.Status);
    }

    [Fact]
    public async Task Token_endpoint_allows_one_request_a_second_per_client()
    {
        var time = NewClock();
        await using var sandbox = await TestSandbox.StartAsync(o => o.TokenRateLimit = 1, time);
        var device = await StartDeviceAsync(sandbox);
        var refresh = (await PollAsync(sandbox, device["device_code"]!.GetValue<string>())).Json!["refresh_token"]!.GetValue<string>();

        var refreshTooSoon = await RefreshAsync(sandbox, refresh);
        Assert.Equal(HttpStatusCode.TooManyRequests, refreshTooSoon.Status);
        Assert.Equal("too_many_requests", refreshTooSoon.Json!["error"]!.GetValue<string>());
        Assert.False(refreshTooSoon.Headers.Contains("Retry-After"));

        var another = await StartDeviceAsync(sandbox);
        var deviceTooSoon = await PollAsync(sandbox, another["device_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.TooManyRequests, deviceTooSoon.Status);
        Assert.Equal("slow_down", deviceTooSoon.Json!["error"]!.GetValue<string>());

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(sandbox, refresh)).Status);
    }

    [Fact]
    public async Task Revoking_a_refresh_token_revokes_it_and_its_access_tokens()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var token = await sandbox.DeviceTokenAsync("contact_data offline_access");
        var access = token["access_token"]!.GetValue<string>();
        var refresh = token["refresh_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists", access)).Status);

        var revoke = await sandbox.PostFormAsync("oauth2/default/v1/revoke", ("client_id", sandbox.ClientId), ("token", refresh), ("token_type_hint", "refresh_token"));
        Assert.Equal(HttpStatusCode.OK, revoke.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await sandbox.GetAsync("v3/contact_lists", access)).Status);
        Assert.Equal("invalid_grant", (await RefreshAsync(sandbox, refresh)).Json!["error"]!.GetValue<string>());

        // An unknown token is not an error (RFC 7009).
        Assert.Equal(HttpStatusCode.OK, (await sandbox.PostFormAsync("oauth2/default/v1/revoke", ("client_id", sandbox.ClientId), ("token", "nothing"))).Status);
    }

    [Fact]
    public async Task Api_wants_a_live_bearer_token_and_answers_401_with_the_object_body()
    {
        var time = NewClock();
        await using var sandbox = await TestSandbox.StartAsync(o => o.TokenLifetimeSeconds = 1, time);
        var missing = await sandbox.GetAsync("v3/contact_lists");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("""{"error_key":"unauthorized","error_message":"Unauthorized"}""", missing.Text);
        Assert.Equal(HttpStatusCode.Unauthorized, (await sandbox.GetAsync("v3/contact_lists", "garbage")).Status);

        var access = (await sandbox.DeviceTokenAsync("contact_data"))["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists", access)).Status);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists", access)).Status);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await sandbox.GetAsync("v3/contact_lists", access)).Status);
    }

    [Fact]
    public async Task Token_lifetime_set_through_the_inspection_api_applies_to_tokens_issued_from_then_on()
    {
        var time = NewClock();
        await using var sandbox = await TestSandbox.StartAsync(o => o.TokenLifetimeSeconds = 100, time);
        var first = await sandbox.DeviceTokenAsync("contact_data offline_access");
        Assert.Equal(100, first["expires_in"]!.GetValue<int>());

        var set = await sandbox.PostJsonAsync("__sandbox/token-lifetime", new JsonObject { ["seconds"] = 5 });
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(5, set.Json!["seconds"]!.GetValue<int>());
        var refreshed = await RefreshAsync(sandbox, first["refresh_token"]!.GetValue<string>());
        Assert.Equal(5, refreshed.Json!["expires_in"]!.GetValue<int>());
        var shortLived = refreshed.Json["access_token"]!.GetValue<string>();

        // The new token dies at its 5 seconds; the one issued before keeps its 100.
        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists", shortLived)).Status);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await sandbox.GetAsync("v3/contact_lists", shortLived)).Status);
        Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists", first["access_token"]!.GetValue<string>())).Status);

        foreach (var bad in new[] { new JsonObject(), new JsonObject { ["seconds"] = 0 } })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.PostJsonAsync("__sandbox/token-lifetime", bad)).Status);
        }
    }

    [Fact]
    public async Task Endpoints_check_their_scope()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var contactOnly = (await sandbox.DeviceTokenAsync("contact_data"))["access_token"]!.GetValue<string>();
        var accountOnly = (await sandbox.DeviceTokenAsync("account_read"))["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await sandbox.GetAsync("v3/account/summary", contactOnly)).Status);
        var summary = await sandbox.GetAsync("v3/account/summary", accountOnly);
        Assert.Equal(HttpStatusCode.OK, summary.Status);
        Assert.NotNull(summary.Json!["organization_name"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await sandbox.GetAsync("v3/contact_lists", accountOnly)).Status);
    }

    [Fact]
    public async Task State_lists_every_issued_token()
    {
        await using var sandbox = await TestSandbox.StartAsync();
        var token = await sandbox.DeviceTokenAsync("contact_data offline_access");
        var refreshed = await RefreshAsync(sandbox, token["refresh_token"]!.GetValue<string>());
        var issued = (await sandbox.StateAsync())["issued_tokens"]!.AsArray().Select(t => t!.GetValue<string>()).ToHashSet();
        Assert.Contains(token["access_token"]!.GetValue<string>(), issued);
        Assert.Contains(token["refresh_token"]!.GetValue<string>(), issued);
        Assert.Contains(refreshed.Json!["access_token"]!.GetValue<string>(), issued);
        Assert.Contains(refreshed.Json["refresh_token"]!.GetValue<string>(), issued);
    }

    private static async Task<JsonNode> StartDeviceAsync(TestSandbox sandbox) =>
        (await sandbox.PostFormAsync("oauth2/default/v1/device/authorize", ("client_id", sandbox.ClientId), ("scope", "contact_data offline_access"))).Json!;

    private static Task<Reply> PollAsync(TestSandbox sandbox, string deviceCode) =>
        sandbox.PostFormAsync("oauth2/default/v1/token", ("client_id", sandbox.ClientId), ("grant_type", DeviceGrant), ("device_code", deviceCode));

    private static Task<Reply> RefreshAsync(TestSandbox sandbox, string refreshToken) =>
        sandbox.PostFormAsync("oauth2/default/v1/token", ("client_id", sandbox.ClientId), ("grant_type", "refresh_token"), ("refresh_token", refreshToken));

    private static async Task<string> AuthorizeAsync(TestSandbox sandbox, string redirect, string challenge, string state)
    {
        var reply = await sandbox.GetAsync(
            $"oauth2/default/v1/authorize?client_id={sandbox.ClientId}&response_type=code&scope={Uri.EscapeDataString("contact_data offline_access")}" +
            $"&state={Uri.EscapeDataString(state)}&code_challenge={challenge}&code_challenge_method=S256&redirect_uri={Uri.EscapeDataString(redirect)}");
        Assert.Equal(HttpStatusCode.Redirect, reply.Status);
        var location = reply.Location!;
        Assert.StartsWith(redirect, location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal(state, query["state"].ToString());
        return query["code"].ToString();
    }

    private static Task<Reply> PostBasicAsync(TestSandbox sandbox, string secret, params (string Name, string Value)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/default/v1/token")
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sandbox.ClientId}:{secret}")));
        return sandbox.SendAsync(request);
    }
}
