using ConstantContact.Sandbox.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContact.Sandbox.Tests;

public sealed class LimitTests
{
    [Fact]
    public async Task Requests_over_the_per_second_limit_get_the_throttled_429_and_cost_no_quota()
    {
        // On a fake clock: the bucket refills only when the test moves time, so the counts are exact.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        await using var sandbox = await TestSandbox.StartWithTokenAsync(o => o.RateLimit = 4, time: time);
        var replies = (await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => sandbox.GetAsync("v3/contact_lists")))).ToList();

        // A burst of 4, then 4 a second: one more each quarter second.
        Assert.Equal(4, replies.Count(r => r.Status == HttpStatusCode.OK));
        time.Advance(TimeSpan.FromMilliseconds(250));
        replies.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sandbox.GetAsync("v3/contact_lists"))));
        var ok = replies.Count(r => r.Status == HttpStatusCode.OK);
        var throttled = replies.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(5, ok);
        Assert.Equal(10, throttled.Length);
        Assert.All(throttled, r =>
        {
            Assert.Equal("""{"error_key":"throttled","error_message":"Too Many Requests"}""", r.Text);
            Assert.False(r.Headers.Contains("Retry-After"));
        });

        var state = await sandbox.StateAsync();
        Assert.Equal(throttled.Length, state["throttled_responses"]!.GetValue<long>());
        Assert.Equal(ok, state["quota_used"]!.GetValue<long>());
    }

    [Fact]
    public async Task Every_token_of_one_client_shares_one_budget()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync(o => o.DailyQuota = 4);
        var other = (await sandbox.DeviceTokenAsync("contact_data"))["access_token"]!.GetValue<string>();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists")).Status);
            Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists", other)).Status);
        }

        Assert.Contains("quota_exceeded", (await sandbox.GetAsync("v3/contact_lists", other)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_daily_quota_answers_quota_exceeded_until_reset()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync(o => o.DailyQuota = 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists")).Status);
        }

        var over = await sandbox.GetAsync("v3/contact_lists");
        Assert.Equal(HttpStatusCode.TooManyRequests, over.Status);
        Assert.Equal("""{"error_key":"quota_exceeded","error_message":"Limit Exceeded"}""", over.Text);
        Assert.False(over.Headers.Contains("Retry-After"));

        Assert.Equal(HttpStatusCode.NoContent, (await sandbox.SendAsync(new HttpRequestMessage(HttpMethod.Post, "__sandbox/reset-quota"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync("v3/contact_lists")).Status);
    }

    [Fact]
    public async Task A_thousand_queued_activities_refuse_the_next_with_a_429()
    {
        // On a clock that stands still, nothing queued ever starts, however long the posting takes.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        await using var sandbox = await TestSandbox.StartWithTokenAsync(o => o.ActivityDelayMs = 600_000, time: time);
        var list = await sandbox.CreateListAsync("Queue");
        var body = TestSandbox.ImportBody(People.Array(People.Contact("q@example.com")), list).ToJsonString();
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        for (var i = 0; i < 1_000; i += 50)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => sandbox.PostBytesAsync("v3/activities/contacts_json_import", bytes)));
            Assert.All(batch, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        }

        var full = await sandbox.PostBytesAsync("v3/activities/contacts_json_import", bytes);
        Assert.Equal(HttpStatusCode.TooManyRequests, full.Status);
        var error = Assert.Single(full.Json!.AsArray());
        Assert.Equal("activities.queue_full", error!["error_key"]!.GetValue<string>());
        Assert.Contains("1,000 queued activities", error["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
