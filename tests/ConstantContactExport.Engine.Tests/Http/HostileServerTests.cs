using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Http;

/// <summary>
/// The one retry policy on a fake clock, and what a broken or hostile server gets from the pipeline: a capped
/// read, a named error for an answer that is not JSON, a capped Retry-After, no personal data in messages.
/// </summary>
public sealed class HostileServerTests : IDisposable
{
    private static readonly Uri ApiBase = new("https://api.example.test/v3");
    private const string ActivityId = "0f9e6c3a-5b1d-4e2a-9c7b-3d8f1a2b4c5d";
    private readonly TimerClock time = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly TempFolder temp = new();
    private readonly string body;

    public HostileServerTests()
    {
        body = temp.File("batch.json");
        File.WriteAllText(body, "{\"import_data\":[{\"email\":\"jane.doe@example.com\"}],\"list_ids\":[]}");
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void The_back_off_doubles_from_half_a_second_to_a_cap_of_30_seconds()
    {
        Assert.Equal(
            new[] { 0.5, 1, 2, 4, 8, 16, 30, 30, 30 },
            Enumerable.Range(1, 9).Select(n => RetryPolicy.Ceiling(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.Ceiling(int.MaxValue));
    }

    [Fact]
    public void The_jitter_is_full_jitter_from_zero_to_the_ceiling()
    {
        Assert.Equal(TimeSpan.Zero, new RetryPolicy(time, new FixedRandom(0)).Backoff(5));
        Assert.Equal(TimeSpan.FromSeconds(4), new RetryPolicy(time, new FixedRandom(0.5)).Backoff(5));
        Assert.Equal(TimeSpan.FromSeconds(15), new RetryPolicy(time, new FixedRandom(0.5)).Backoff(20));

        // Equal jitter would never go below half the ceiling; full jitter does, and never above it.
        var policy = new RetryPolicy(time, new Random(7));
        TimeSpan[] waits = Enumerable.Range(0, 200).Select(_ => policy.Backoff(4)).ToArray();
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.Zero, TimeSpan.FromSeconds(4)));
        Assert.Contains(waits, w => w < TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData("3", 3)]
    [InlineData("9999999", 120)]
    [InlineData("0", 0)]
    public void Retry_After_is_honoured_up_to_two_minutes(string header, double seconds)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.TryAddWithoutValidation("Retry-After", header);
        Assert.Equal(TimeSpan.FromSeconds(seconds), new RetryPolicy(time, new FixedRandom(0.9)).WaitAfter(response, 1));
    }

    [Fact]
    public void A_Retry_After_date_is_a_wait_from_now_and_one_in_the_past_is_none()
    {
        using var later = new HttpResponseMessage((HttpStatusCode)429);
        later.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), RetryPolicy.RetryAfter(later, time.GetUtcNow()));
        using var past = new HttpResponseMessage((HttpStatusCode)429);
        past.Headers.RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddDays(-1));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.RetryAfter(past, time.GetUtcNow()));
        using var none = new HttpResponseMessage((HttpStatusCode)429);
        Assert.Equal(TimeSpan.FromSeconds(0.9 * 0.5), new RetryPolicy(time, new FixedRandom(0.9)).WaitAfter(none, 1));
    }

    [Fact]
    public async Task A_throttled_POST_with_Retry_After_9999999_waits_two_minutes_and_is_sent_again()
    {
        int posts = 0;
        var server = new FakeHttpHandler(_ =>
        {
            if (++posts == 1)
            {
                HttpResponseMessage throttled = FakeHttpHandler.Json((HttpStatusCode)429, "{\"error_key\":\"throttled\",\"error_message\":\"Too Many Requests\"}");
                throttled.Headers.TryAddWithoutValidation("Retry-After", "9999999");
                return throttled;
            }

            return FakeHttpHandler.Json(HttpStatusCode.Created, "{\"activity_id\":\"" + ActivityId + "\",\"state\":\"initialized\"}");
        });
        using ConstantContactApi api = Api(server);

        Task<ActivityInfo> post = api.CreateJsonImportAsync(body, CancellationToken.None);
        await WaitUntil(() => posts == 1 && time.GetUtcNow() == Start && !post.IsCompleted);
        await time.WaitForTimerDueAsync(Start + RetryPolicy.MaxRetryAfter);
        time.Advance(RetryPolicy.MaxRetryAfter - TimeSpan.FromMilliseconds(1));
        await Task.Delay(10);
        Assert.Equal(1, posts);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ActivityId, (await post.WaitAsync(TimerClock.HangGuard)).ActivityId);
        Assert.Equal(2, posts);
    }

    [Fact]
    public async Task A_3_GB_Content_Length_is_refused_unread_and_the_batch_is_not_sent_again()
    {
        var server = new FakeHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new EndlessContent(3_000_000_000L) });
        using ConstantContactApi api = Api(server);

        ApiAnswerException ex = await Assert.ThrowsAsync<ApiAnswerException>(() => api.CreateJsonImportAsync(body, CancellationToken.None));
        Assert.Equal(ApiAnswerException.TooLargeErrorId, ex.ErrorId);
        Assert.Contains("Content-Length 3000000000", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task An_answer_without_a_length_is_read_only_to_the_cap()
    {
        var content = new EndlessContent(null);
        var server = new FakeHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        using ConstantContactApi api = Api(server);

        ApiAnswerException ex = await Assert.ThrowsAsync<ApiAnswerException>(() => api.GetActivityAsync("a1", CancellationToken.None));
        Assert.Equal(ApiAnswerException.TooLargeErrorId, ex.ErrorId);
        Assert.InRange(content.BytesServed, ResponseSizeLimitHandler.MaxBytes, ResponseSizeLimitHandler.MaxBytes + (1 << 20));
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("text/html", "<html><body><h1>Gateway login</h1>jane.doe@example.com</body></html>")]
    [InlineData("application/json", "{\"activity_id\":\"a1\",")]
    public async Task An_answer_that_is_not_JSON_is_a_named_error_that_does_not_quote_it(string mediaType, string answer)
    {
        var server = new FakeHttpHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, mediaType) });
        using ConstantContactApi api = Api(server);

        ApiAnswerException ex = await Assert.ThrowsAsync<ApiAnswerException>(() => api.GetActivityAsync(ActivityId, CancellationToken.None));
        Assert.Equal(ApiAnswerException.UnreadableErrorId, ex.ErrorId);
        Assert.Contains("GET /v3/activities/", ex.Message, StringComparison.Ordinal);
        Assert.Contains(mediaType, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{Encoding.UTF8.GetByteCount(answer)} bytes", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("activity_id", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("JsonReaderException", ex.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);

        // An import's unreadable answer proves nothing either way: in doubt (looked up, or sent again), quoting nothing.
        ImportInDoubtException doubt = await Assert.ThrowsAsync<ImportInDoubtException>(() => api.CreateJsonImportAsync(body, CancellationToken.None));
        Assert.DoesNotContain("jane", doubt.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("activity_id", doubt.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_400_that_echoes_the_request_keeps_the_addresses_out_of_the_message()
    {
        var server = new FakeHttpHandler(request => FakeHttpHandler.Json(HttpStatusCode.BadRequest,
            "[{\"error_key\":\"contacts.api.validation.error\",\"error_message\":\"Invalid import_data: " + request.Body!.Replace("\"", "\\\"") + " (jane.doe@example.com, 'Jane Doe')\"}]"));
        using ConstantContactApi api = Api(server);

        ImportRefusedException ex = await Assert.ThrowsAsync<ImportRefusedException>(() => api.CreateJsonImportAsync(body, CancellationToken.None));
        Assert.DoesNotContain("jane", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Invalid import_data", ex.Message, StringComparison.Ordinal);
        Assert.Contains("contacts.api.validation.error", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Email jane@example.com is invalid", "Email [address] is invalid")]
    [InlineData("first_name 'Jane' too long", "first_name [value] too long")]
    [InlineData("bad body {\"email\":\"x@y.z\"} sent", "bad body [request body] sent")]
    [InlineData("<!DOCTYPE html><p>x@y.z</p>", "(an HTML or XML page, not shown)")]
    [InlineData("list_ids is required", "list_ids is required")]
    public void Personal_data_is_taken_out_of_server_text(string text, string expected) =>
        Assert.Equal(expected, PersonalDataRedactor.Redact(text));

    private static readonly DateTimeOffset Start = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private ConstantContactApi Api(FakeHttpHandler server)
    {
        var pipeline = new HttpPipeline(time, () => server, _ => new ApiRateLimiter(TimeSpan.FromTicks(1), time), new Random(1));
        HttpClient client = pipeline.CreateApiClient(ApiBase, new ApiRequestContext(new StaticTokens(), null, ApiBase));
        return new ConstantContactApi(client, ApiBase, time, new Random(1), owned: pipeline);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var watchdog = System.Diagnostics.Stopwatch.StartNew(); // bounds the wait only; nothing is asserted on it
        while (!condition())
        {
            Assert.True(watchdog.Elapsed < TimerClock.HangGuard, "the condition never came");
            await Task.Delay(5);
        }
    }

    private sealed class StaticTokens : IAccessTokenSource
    {
        public Task<string> GetAccessTokenAsync(Action<string>? log, CancellationToken cancellationToken) => Task.FromResult("token-0123456789abcdef0123456789abcdef");

        public Task<string> RefreshAfterRejectionAsync(string rejectedToken, Action<string>? log, CancellationToken cancellationToken) => GetAccessTokenAsync(log, cancellationToken);
    }

    private sealed class FixedRandom(double value) : Random
    {
        protected override double Sample() => value;

        public override double NextDouble() => value;
    }

    /// <summary>An answer that never ends, with the Content-Length it claims (or none); counts what was read of it.</summary>
    private sealed class EndlessContent : HttpContent
    {
        private readonly long? claimed;
        private long served;

        public EndlessContent(long? claimed)
        {
            this.claimed = claimed;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public long BytesServed => Interlocked.Read(ref served);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            byte[] chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
            while (true)
            {
                await stream.WriteAsync(chunk);
                Interlocked.Add(ref served, chunk.Length);
            }
        }

        protected override Task<Stream> CreateContentReadStreamAsync()
        {
            return Task.FromResult<Stream>(new Endless(this));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = claimed ?? 0;
            return claimed is not null;
        }

        private sealed class Endless(EndlessContent owner) : Stream
        {
            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                Array.Fill(buffer, (byte)' ', offset, count);
                Interlocked.Add(ref owner.served, count);
                return count;
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
