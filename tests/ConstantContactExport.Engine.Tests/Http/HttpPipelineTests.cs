using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Http;

public sealed class HttpPipelineTests
{
    private static readonly Uri ApiBase = new("https://api.example.test/v3");

    /// <summary>Hands out "token-1", "token-2"... counting refreshes.</summary>
    private sealed class CountingTokens : IAccessTokenSource
    {
        private int serial = 1;

        public int Refreshes { get; private set; }

        public string Current => $"token-{serial}-0123456789abcdef0123456789abcdef";

        public Task<string> GetAccessTokenAsync(Action<string>? log, CancellationToken cancellationToken) => Task.FromResult(Current);

        public Task<string> RefreshAfterRejectionAsync(string rejectedToken, Action<string>? log, CancellationToken cancellationToken)
        {
            Refreshes++;
            serial++;
            return Task.FromResult(Current);
        }
    }

    private static readonly ApiRateLimiter Unlimited = new(TimeSpan.FromTicks(1), TimeProvider.System);

    private static ApiRateLimiter NoLimit(Uri _) => Unlimited;

    private static (HttpClient Client, ConcurrentQueue<string> Log) Client(FakeHttpHandler server, IAccessTokenSource tokens, TimeProvider? time = null) =>
        Client(new HttpPipeline(time ?? TimeProvider.System, () => server, NoLimit, new Random(1)), tokens);

    private static (HttpClient Client, ConcurrentQueue<string> Log) Client(HttpPipeline pipeline, IAccessTokenSource tokens)
    {
        var log = new ConcurrentQueue<string>();
        return (pipeline.CreateApiClient(ApiBase, new ApiRequestContext(tokens, log.Enqueue, ApiBase)), log);
    }

    /// <summary>A GET through the pipeline's one retry loop, as a command at the prompt makes it.</summary>
    private static async Task<HttpResponseMessage> GetWithRetries(HttpPipeline pipeline, HttpClient client, string relative, ConcurrentQueue<string> log)
    {
        Task<HttpResponseMessage> get = pipeline.Retry.SendGetAsync(ct => client.GetAsync(relative, ct), RetryPolicy.CommandAttempts, relative, log.Enqueue, CancellationToken.None);
        if (pipeline.Time is TimerClock clock)
        {
            await clock.DriveAsync(get);
        }

        return await get;
    }

    [Fact]
    public async Task Sends_the_bearer_token_and_logs_each_request_without_it()
    {
        var tokens = new CountingTokens();
        var server = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.OK, """{"organization_name":"Acme"}"""));
        var (client, log) = Client(server, tokens);

        using HttpResponseMessage response = await client.GetAsync("account/summary?email=ada%40example.com");

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("Bearer " + tokens.Current, request.Authorization);
        Assert.Equal("https://api.example.test/v3/account/summary?email=ada%40example.com", request.Uri.AbsoluteUri);
        string line = Assert.Single(log);
        Assert.StartsWith("GET /v3/account/summary?email=... -> 200 OK (", line, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.Current, line, StringComparison.Ordinal);
        Assert.DoesNotContain("ada", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_refreshes_once_and_sends_again()
    {
        var tokens = new CountingTokens();
        var server = new FakeHttpHandler(request => request.Authorization!.Contains("token-1-", StringComparison.Ordinal)
            ? FakeHttpHandler.Json(HttpStatusCode.Unauthorized, """{"error_key":"unauthorized","error_message":"Unauthorized"}""")
            : FakeHttpHandler.Json(HttpStatusCode.OK, "{}"));
        var (client, _) = Client(server, tokens);

        using HttpResponseMessage response = await client.PostAsync("activities/contacts_json_import", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, tokens.Refreshes);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("{}", r.Body));
    }

    [Fact]
    public async Task A_401_resends_a_file_body_from_its_start()
    {
        // The import API streams its bodies from files: the resend after a refresh must carry the whole body again.
        string path = System.IO.Path.GetTempFileName();
        try
        {
            await System.IO.File.WriteAllTextAsync(path, """{"import_data":[{"email":"ada@example.com"}],"list_ids":["x"]}""");
            var tokens = new CountingTokens();
            var server = new FakeHttpHandler(request => request.Authorization!.Contains("token-1-", StringComparison.Ordinal)
                ? FakeHttpHandler.Json(HttpStatusCode.Unauthorized, "{}")
                : FakeHttpHandler.Json(HttpStatusCode.Created, "{}"));
            var (client, _) = Client(server, tokens);

            using var file = new System.IO.FileStream(path, System.IO.FileMode.Open, System.IO.FileAccess.Read);
            using HttpResponseMessage response = await client.PostAsync("activities/contacts_json_import", new StreamContent(file));

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(2, server.Requests.Count);
            string expected = await System.IO.File.ReadAllTextAsync(path);
            Assert.All(server.Requests, r => Assert.Equal(expected, r.Body));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public async Task A_second_401_is_an_error_without_the_token()
    {
        var tokens = new CountingTokens();
        var server = new FakeHttpHandler(request => FakeHttpHandler.Json(HttpStatusCode.Unauthorized,
            $$"""{"error_key":"unauthorized","error_message":"Token {{request.Authorization!.Substring(7)}} is not valid"}"""));
        var (client, _) = Client(server, tokens);

        using HttpResponseMessage response = await client.GetAsync("account/summary");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        ConstantContactApiException error = await ConstantContactApiException.FromResponseAsync(response, TimeProvider.System);
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("unauthorized", error.ErrorKey);
        Assert.Equal(1, tokens.Refreshes);
        Assert.DoesNotContain("token-2-", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("token-1-", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_come_back_as_they_are_and_become_typed_exceptions_on_request()
    {
        var server = new FakeHttpHandler(_ => FakeHttpHandler.Json((HttpStatusCode)429, """{"error_key":"quota_exceeded","error_message":"Limit Exceeded"}"""));
        var (client, _) = Client(server, new CountingTokens());

        HttpResponseMessage response = await client.PostAsync("activities/contacts_json_import", new StringContent("{}"));
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        var error = await Assert.ThrowsAsync<ConstantContactApiException>(() => response.EnsureApiSuccessAsync(TimeProvider.System));
        Assert.Equal(429, error.StatusCode);
        Assert.Equal("quota_exceeded", error.ErrorKey);
        Assert.Equal("POST", error.Method);
        Assert.Equal("/v3/activities/contacts_json_import", error.Route);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_GET_is_tried_again_after_a_5xx_or_a_dropped_connection_with_jittered_pauses()
    {
        int calls = 0;
        var server = new FakeHttpHandler(_ => ++calls switch
        {
            1 => FakeHttpHandler.Json(HttpStatusCode.ServiceUnavailable, "{}"),
            2 => throw new HttpRequestException("Connection reset by peer"),
            _ => FakeHttpHandler.Json(HttpStatusCode.OK, "{}"),
        });
        var pipeline = new HttpPipeline(new TimerClock(), () => server, NoLimit, new Random(1));
        var (client, log) = Client(pipeline, new CountingTokens());

        using HttpResponseMessage response = await GetWithRetries(pipeline, client, "account/summary", log);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, calls);
        Assert.Equal(2, log.Count(l => l.Contains("trying again in", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_GET_gives_up_after_the_commands_tries_and_returns_the_last_answer()
    {
        var server = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.InternalServerError, """[{"error_key":"server_error","error_message":"Oops"}]"""));
        var pipeline = new HttpPipeline(new TimerClock(), () => server, NoLimit, new Random(1));
        var (client, log) = Client(pipeline, new CountingTokens());

        using HttpResponseMessage response = await GetWithRetries(pipeline, client, "account/summary", log);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(RetryPolicy.CommandAttempts, server.Requests.Count);
    }

    [Fact]
    public async Task A_GET_whose_connection_keeps_dropping_throws_after_the_last_try()
    {
        var server = new FakeHttpHandler(new Func<RecordedRequest, HttpResponseMessage>(_ => throw new HttpRequestException("Connection refused")));
        var pipeline = new HttpPipeline(new TimerClock(), () => server, NoLimit, new Random(1));
        var (client, log) = Client(pipeline, new CountingTokens());

        await Assert.ThrowsAsync<HttpRequestException>(() => GetWithRetries(pipeline, client, "account/summary", log));
        Assert.Equal(RetryPolicy.CommandAttempts, server.Requests.Count);
    }

    [Fact]
    public async Task A_throttled_GET_is_waited_out_without_spending_a_try_but_quota_exceeded_is_answered_at_once()
    {
        int calls = 0;
        var server = new FakeHttpHandler(_ => ++calls switch
        {
            <= 4 => FakeHttpHandler.Json((HttpStatusCode)429, """{"error_key":"throttled","error_message":"Too Many Requests"}"""),
            5 => FakeHttpHandler.Json(HttpStatusCode.ServiceUnavailable, "{}"),
            6 => FakeHttpHandler.Json(HttpStatusCode.ServiceUnavailable, "{}"),
            7 => FakeHttpHandler.Json(HttpStatusCode.OK, "{}"),
            _ => FakeHttpHandler.Json((HttpStatusCode)429, """{"error_key":"quota_exceeded","error_message":"Limit Exceeded"}"""),
        });
        var pipeline = new HttpPipeline(new TimerClock(), () => server, NoLimit, new Random(1));
        var (client, log) = Client(pipeline, new CountingTokens());

        using (HttpResponseMessage response = await GetWithRetries(pipeline, client, "contact_lists", log))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(4, log.Count(l => l.StartsWith("Throttled by Constant Contact", StringComparison.Ordinal)));
        using HttpResponseMessage quota = await GetWithRetries(pipeline, client, "contact_lists", log);
        Assert.Equal(429, (int)quota.StatusCode);
        Assert.Contains("quota_exceeded", await quota.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(8, calls);
    }

    [Fact]
    public async Task The_pipeline_itself_never_sends_a_request_twice()
    {
        // Whether to try again is the caller's: the import API looks an import up before it is sent again.
        var server = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.ServiceUnavailable, "{}"));
        var (client, _) = Client(server, new CountingTokens());

        using (HttpResponseMessage get = await client.GetAsync("activities"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);
        }

        using HttpResponseMessage post = await client.PostAsync("activities/contacts_json_import", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_request_without_a_connection_is_refused()
    {
        var server = new FakeHttpHandler(_ => FakeHttpHandler.Json(HttpStatusCode.OK, "{}"));
        var pipeline = new HttpPipeline(TimeProvider.System, () => server, NoLimit);
        using HttpClient bare = pipeline.CreateApiClient(ApiBase, new ApiRequestContext(null, null, ApiBase));
        await Assert.ThrowsAsync<InvalidOperationException>(() => bare.GetAsync("account/summary"));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task The_shared_limiter_keeps_to_four_requests_a_second()
    {
        // On a fake clock, which moves only when the test moves it: each request is stamped with the moment its
        // permit came due, however late a busy machine runs the continuations, and "not a moment early" is exact.
        var time = new FakeTimeProvider();
        DateTimeOffset start = time.GetUtcNow();
        ApiRateLimiter limiter = ApiRateLimiters.Create(time);
        var sent = new ConcurrentQueue<TimeSpan>();
        var server = new FakeHttpHandler(_ =>
        {
            // When the request leaves the pipeline: what the server would count.
            sent.Enqueue(time.GetUtcNow() - start);
            return FakeHttpHandler.Json(HttpStatusCode.OK, "{}");
        });
        var pipeline = new HttpPipeline(time, () => server, _ => limiter);
        var tokens = new CountingTokens();
        using HttpClient first = pipeline.CreateApiClient(ApiBase, new ApiRequestContext(tokens, null, ApiBase));
        using HttpClient second = pipeline.CreateApiClient(ApiBase, new ApiRequestContext(tokens, null, ApiBase));

        const int Requests = 10;
        Task all = Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            using HttpResponseMessage response = await (i % 2 == 0 ? first : second).GetAsync("account/summary");
        }));

        // Every request has reached the server or waits for a permit: nothing more happens until the clock moves.
        async Task<int> Settled()
        {
            var watchdog = Stopwatch.StartNew(); // real time only bounds the wait; no assertion is made on it
            while (sent.Count + limiter.Waiting != Requests)
            {
                Assert.True(watchdog.Elapsed < TimerClock.HangGuard, $"{sent.Count} sent, {limiter.Waiting} waiting");
                await Task.Delay(5);
            }

            return sent.Count;
        }

        Assert.Equal(1, await Settled());
        for (int k = 1; k < Requests; k++)
        {
            time.Advance(TimeSpan.FromMilliseconds(249));
            Assert.Equal(k, await Settled()); // not a millisecond early
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(k + 1, await Settled()); // nor late
        }

        await all;

        // One at once, then one each 250 ms, in the order they left the pipeline.
        TimeSpan[] times = sent.ToArray();
        Assert.Equal(Enumerable.Range(0, Requests).Select(k => TimeSpan.FromMilliseconds(250 * k)), times);
        for (int i = 0; i + 4 < times.Length; i++)
        {
            // No five requests within one second, however the server counts its four a second.
            Assert.True(times[i + 4] - times[i] >= TimeSpan.FromSeconds(1), $"requests {i}..{i + 4} within {times[i + 4] - times[i]}");
        }
    }
}
