using ConstantContact.Sandbox.Tests.Support;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;
using static ConstantContact.Sandbox.Tests.Support.People;

namespace ConstantContact.Sandbox.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task The_same_seed_gives_the_same_faults_for_the_same_requests()
    {
        void Configure(ConstantContact.Sandbox.Hosting.SandboxOptions o)
        {
            o.FaultRate = 0.5;
            o.FaultKinds = ConstantContact.Sandbox.Faults.FaultKindNames.ParseList("500,503,throttle");
            o.Seed = 7;
        }

        await using var first = await TestSandbox.StartWithTokenAsync(Configure);
        await using var second = await TestSandbox.StartWithTokenAsync(Configure);
        var a = await StatusesAsync(first, 40);
        var b = await StatusesAsync(second, 40);
        Assert.Equal(a, b);
        Assert.Contains(HttpStatusCode.OK, a);
        Assert.Contains(a, s => s != HttpStatusCode.OK);

        // A new seed through the inspection API starts the sequence again.
        await first.ConfigureFaultsAsync(0.5, ["500", "503", "throttle"], seed: 7);
        Assert.Equal(a, await StatusesAsync(first, 40));

        var injected = (await second.StateAsync())["faults_injected"]!;
        Assert.Equal(b.Count(s => s == HttpStatusCode.InternalServerError), injected["500"]!.GetValue<long>());
        Assert.Equal(b.Count(s => s == HttpStatusCode.ServiceUnavailable), injected["503"]!.GetValue<long>());
        Assert.Equal(b.Count(s => s == HttpStatusCode.TooManyRequests), injected["throttle"]!.GetValue<long>());
    }

    [Fact]
    public async Task Error_faults_answer_with_error_arrays_and_throttle_with_the_throttled_body()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        await sandbox.ConfigureFaultsAsync(1, ["500"]);
        var error = await sandbox.GetAsync("v3/contact_lists");
        Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
        Assert.NotNull(Assert.Single(error.Json!.AsArray())!["error_key"]);

        await sandbox.ConfigureFaultsAsync(1, ["503"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await sandbox.GetAsync("v3/contact_lists")).Status);

        await sandbox.ConfigureFaultsAsync(1, ["throttle"]);
        var throttled = await sandbox.GetAsync("v3/contact_lists");
        Assert.Equal("""{"error_key":"throttled","error_message":"Too Many Requests"}""", throttled.Text);
    }

    [Fact]
    public async Task A_lost_response_applies_the_import_though_the_client_saw_a_dropped_connection()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Lost");
        await sandbox.ConfigureFaultsAsync(1, ["lost-response"]);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
            sandbox.PostJsonAsync("v3/activities/contacts_json_import", TestSandbox.ImportBody(Array(Contact("lost@example.com")), list)));
        await sandbox.ConfigureFaultsAsync(0, ["lost-response"]);

        var activities = (await sandbox.GetAsync("v3/activities")).Json!["activities"]!.AsArray();
        Assert.Single(activities);
        var activity = await sandbox.WaitForActivityAsync(activities[0]!["activity_id"]!.GetValue<string>());
        Assert.Equal(1, activity["status"]!["person_count"]!.GetValue<int>());
        Assert.Single(await sandbox.MembersAsync(list));
        Assert.True((await sandbox.StateAsync())["faults_injected"]!["lost-response"]!.GetValue<long>() >= 1);
    }

    [Fact]
    public async Task An_empty_200_applies_the_import_and_answers_with_nothing()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Empty");
        await sandbox.ConfigureFaultsAsync(1, ["empty-200"]);
        var answer = await sandbox.PostJsonAsync("v3/activities/contacts_json_import", TestSandbox.ImportBody(Array(Contact("empty@example.com")), list));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("{}", answer.Text);
        await sandbox.ConfigureFaultsAsync(0, ["empty-200"]);

        var activity = Assert.Single((await sandbox.GetAsync("v3/activities")).Json!["activities"]!.AsArray());
        await sandbox.WaitForActivityAsync(activity!["activity_id"]!.GetValue<string>());
        Assert.Single(await sandbox.MembersAsync(list));
        Assert.Equal(1, (await sandbox.StateAsync())["faults_injected"]!["empty-200"]!.GetValue<long>());
    }

    [Fact]
    public void Empty_200_is_given_only_when_asked_for_by_name()
    {
        Assert.DoesNotContain(ConstantContact.Sandbox.Faults.FaultKind.EmptyAnswer, new ConstantContact.Sandbox.Hosting.SandboxOptions().FaultKinds);
        Assert.Equal(ConstantContact.Sandbox.Faults.FaultKind.EmptyAnswer, ConstantContact.Sandbox.Faults.FaultKindNames.Parse("empty-200"));
    }

    [Fact]
    public async Task A_reset_drops_the_connection_before_anything_is_done()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        await sandbox.ConfigureFaultsAsync(1, ["reset"]);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sandbox.PostJsonAsync("v3/contact_lists", new JsonObject { ["name"] = "Never" }));
        await sandbox.ConfigureFaultsAsync(0, ["reset"]);
        Assert.Empty((await sandbox.StateAsync())["lists"]!.AsArray());
    }

    [Fact]
    public async Task A_slow_request_is_held_then_served()
    {
        // On a fake clock: the request is held until the test moves time 400 ms on, and not a moment less.
        var start = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var time = new TimerClock(start);
        await using var sandbox = await TestSandbox.StartWithTokenAsync(time: time);
        var settings = await sandbox.PostJsonAsync("__sandbox/faults", new JsonObject { ["rate"] = 1, ["kinds"] = new JsonArray("slow"), ["slow_ms"] = 400 });
        Assert.Equal(400, settings.Json!["slow_ms"]!.GetValue<int>());
        var held = sandbox.GetAsync("v3/contact_lists");
        await TestSandbox.WaitUntilAsync(async () => (await sandbox.StateAsync())["faults_injected"]!["slow"]!.GetValue<long>() == 1, "the request is held");
        await time.WaitForTimerDueAsync(start.AddMilliseconds(400));
        time.Advance(TimeSpan.FromMilliseconds(399));
        // The inspection API still answers meanwhile, and the held request has not been let through.
        Assert.Equal(1, (await sandbox.StateAsync())["faults_injected"]!["slow"]!.GetValue<long>());
        Assert.False(held.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HttpStatusCode.OK, (await held.WaitAsync(TestSandbox.HangGuard)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.PostJsonAsync("__sandbox/faults", new JsonObject { ["kinds"] = new JsonArray("fire") })).Status);
    }

    private static async Task<HttpStatusCode[]> StatusesAsync(TestSandbox sandbox, int count)
    {
        var statuses = new HttpStatusCode[count];
        for (var i = 0; i < count; i++)
        {
            statuses[i] = (await sandbox.GetAsync("v3/contact_lists")).Status;
        }

        return statuses;
    }
}
