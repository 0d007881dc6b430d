using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using ConstantContact.Sandbox.Hosting;

namespace ConstantContact.Sandbox.Tests.Support;

/// <summary>
/// A sandbox started inside the test process on a free loopback port, and an HTTP client for it. Tests turn
/// the per-second limits off unless they test them, so that they run at full speed. A test of anything the
/// clock decides (activity states, limits, expiry) passes a FakeTimeProvider and moves it; real time then
/// only bounds how long a test may hang.
/// </summary>
public sealed class TestSandbox : IAsyncDisposable
{
    private TestSandbox(RunningSandbox running)
    {
        Running = running;
        Http = NewClient(running.RootUri);
    }

    public RunningSandbox Running { get; }

    public HttpClient Http { get; }

    public string ClientId => Running.Options.ClientId;

    public string? AccessToken { get; set; }

    /// <summary>How long a test waits for something the sandbox will do by itself: a guard against a hang, never a measurement.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    public static async Task<TestSandbox> StartAsync(Action<SandboxOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new SandboxOptions { RateLimit = 0, TokenRateLimit = 0, ActivityDelayMs = 20, Seed = 1 };
        configure?.Invoke(options);
        return new TestSandbox(await SandboxHost.StartAsync(options, time));
    }

    /// <summary>A sandbox with a token already in hand (device flow, approved at once).</summary>
    public static async Task<TestSandbox> StartWithTokenAsync(Action<SandboxOptions>? configure = null, string scope = "contact_data offline_access", TimeProvider? time = null)
    {
        var sandbox = await StartAsync(configure, time);
        sandbox.AccessToken = (await sandbox.DeviceTokenAsync(scope))["access_token"]!.GetValue<string>();
        return sandbox;
    }

    public static HttpClient NewClient(Uri root) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = root,
            Timeout = TimeSpan.FromSeconds(60),
        };

    public async Task<JsonObject> DeviceTokenAsync(string scope)
    {
        var device = await PostFormAsync("oauth2/default/v1/device/authorize", ("client_id", ClientId), ("scope", scope));
        Assert.Equal(HttpStatusCode.OK, device.Status);
        var token = await PostFormAsync(
            "oauth2/default/v1/token",
            ("client_id", ClientId),
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device.Json!["device_code"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, token.Status);
        return token.Json!.AsObject();
    }

    public Task<Reply> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        });

    public Task<Reply> GetAsync(string path, string? token = null) =>
        SendAsync(Authorized(new HttpRequestMessage(HttpMethod.Get, path), token));

    public Task<Reply> PostJsonAsync(string path, JsonNode body, string? token = null) =>
        PostBytesAsync(path, Encoding.UTF8.GetBytes(body.ToJsonString()), token);

    public Task<Reply> PostBytesAsync(string path, byte[] body, string? token = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendAsync(Authorized(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, token));
    }

    public async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text, response.Headers, response.Headers.Location);
    }

    public HttpRequestMessage Authorized(HttpRequestMessage request, string? token = null)
    {
        var bearer = token ?? AccessToken;
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    public async Task<string> CreateListAsync(string name)
    {
        var reply = await PostJsonAsync("v3/contact_lists", new JsonObject { ["name"] = name });
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return reply.Json!["list_id"]!.GetValue<string>();
    }

    public async Task CreateCustomFieldAsync(string label)
    {
        var reply = await PostJsonAsync("v3/contact_custom_fields", new JsonObject { ["label"] = label, ["type"] = "string" });
        Assert.Equal(HttpStatusCode.Created, reply.Status);
    }

    /// <summary>Posts a JSON import and waits for it to finish; returns the finished activity.</summary>
    public async Task<JsonNode> ImportAsync(JsonArray contacts, params string[] listIds)
    {
        var reply = await PostJsonAsync("v3/activities/contacts_json_import", ImportBody(contacts, listIds));
        Assert.True(reply.Status == HttpStatusCode.Created, reply.Text);
        return await WaitForActivityAsync(reply.Json!["activity_id"]!.GetValue<string>());
    }

    public static JsonObject ImportBody(JsonArray contacts, params string[] listIds) => new()
    {
        ["import_data"] = contacts,
        ["list_ids"] = new JsonArray(listIds.Select(id => (JsonNode)JsonValue.Create(id)).ToArray()),
    };

    /// <summary>Polls the activity until it ends (completed, cancelled, failed or timed_out); returns it then.</summary>
    public Task<JsonNode> WaitForActivityAsync(string activityId) => WaitForActivityStateAsync(activityId, "completed", "cancelled", "failed", "timed_out");

    /// <summary>Polls the activity until it is in one of <paramref name="states"/>; returns it then.</summary>
    public async Task<JsonNode> WaitForActivityStateAsync(string activityId, params string[] states)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var reply = await GetAsync("v3/activities/" + activityId);
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            if (states.Contains(reply.Json!["state"]!.GetValue<string>()))
            {
                return reply.Json;
            }

            Assert.True(watch.Elapsed < HangGuard, $"The activity was not {string.Join(" or ", states)} after {HangGuard.TotalMinutes} minutes (hang guard); it is {reply.Json["state"]}.");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; real time only bounds the wait.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < HangGuard, $"{what}: not so after {HangGuard.TotalMinutes} minutes (hang guard).");
            await Task.Delay(10);
        }
    }

    public async Task<JsonNode> StateAsync() => (await GetAsync("__sandbox/state")).Json!;

    public async Task<JsonArray> MembersAsync(string listId)
    {
        var reply = await GetAsync($"__sandbox/lists/{listId}/members");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Json!["members"]!.AsArray();
    }

    public async Task ConfigureFaultsAsync(double rate, string[] kinds, int? seed = null)
    {
        var body = new JsonObject { ["rate"] = rate, ["kinds"] = new JsonArray(kinds.Select(k => (JsonNode)JsonValue.Create(k)).ToArray()) };
        if (seed is not null)
        {
            body["seed"] = seed;
        }

        var reply = await PostJsonAsync("__sandbox/faults", body);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Running.DisposeAsync();
    }
}
