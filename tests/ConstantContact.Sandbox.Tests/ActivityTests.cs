using System.Net.Http.Headers;
using System.Text;
using ConstantContact.Sandbox.Hosting;
using ConstantContact.Sandbox.Tests.Support;
using ConstantContactExport.Engine.Tests.TestDoubles;
using static ConstantContact.Sandbox.Tests.Support.People;

namespace ConstantContact.Sandbox.Tests;

public sealed class ActivityTests
{
    [Fact]
    public async Task An_activity_goes_from_initialized_through_processing_to_completed()
    {
        // On a fake clock, which moves only when the test moves it: each state lasts until the test steps past it,
        // however late a busy machine runs the processor.
        var start = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var time = new TimerClock(start);
        await using var sandbox = await TestSandbox.StartWithTokenAsync(o => o.ActivityDelayMs = 800, time: time);
        var list = await sandbox.CreateListAsync("States");
        var reply = await sandbox.PostJsonAsync("v3/activities/contacts_json_import", TestSandbox.ImportBody(Numbered(10), list));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal("initialized", reply.Json!["state"]!.GetValue<string>());
        Assert.Equal(0, reply.Json["percent_done"]!.GetValue<int>());
        var id = reply.Json["activity_id"]!.GetValue<string>();
        Assert.Equal($"/v3/activities/{id}", reply.Json["_links"]!["self"]!["href"]!.GetValue<string>());

        // Initialized for half the delay: a moment short of it, nothing has started.
        await time.WaitForTimerDueAsync(start.AddMilliseconds(400));
        time.Advance(TimeSpan.FromMilliseconds(399));
        var waiting = (await sandbox.GetAsync($"v3/activities/{id}")).Json!;
        Assert.Equal("initialized", waiting["state"]!.GetValue<string>());
        Assert.Null(waiting["started_at"]);
        Assert.Empty(await sandbox.MembersAsync(list));

        // Then processing: the rows are applied, and it stays processing until the whole delay has passed.
        time.Advance(TimeSpan.FromMilliseconds(1));
        var processing = await sandbox.WaitForActivityStateAsync(id, "processing");
        Assert.NotNull(processing["started_at"]);
        Assert.Null(processing["completed_at"]);
        await TestSandbox.WaitUntilAsync(async () => (await sandbox.MembersAsync(list)).Count == 10, "all 10 contacts applied");
        await time.WaitForTimerDueAsync(start.AddMilliseconds(800));
        time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.Equal("processing", (await sandbox.GetAsync($"v3/activities/{id}")).Json!["state"]!.GetValue<string>());

        time.Advance(TimeSpan.FromMilliseconds(1));
        var activity = await sandbox.WaitForActivityAsync(id);
        Assert.Equal(100, activity["percent_done"]!.GetValue<int>());
        var status = activity["status"]!;
        Assert.Equal(10, status["items_total_count"]!.GetValue<int>());
        Assert.Equal(10, status["items_completed_count"]!.GetValue<int>());
        Assert.Equal(10, status["person_count"]!.GetValue<int>());
        Assert.Equal(0, status["error_count"]!.GetValue<int>());
        Assert.Equal(0, status["correctable_count"]!.GetValue<int>());
        Assert.Equal(0, status["cannot_add_to_list_count"]!.GetValue<int>());
        Assert.NotNull(activity["started_at"]);
        Assert.NotNull(activity["completed_at"]);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.GetAsync($"v3/activities/{Guid.NewGuid()}")).Status);
    }

    [Fact]
    public async Task Activities_are_listed_newest_first_with_state_filter_and_limit()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("History");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await sandbox.ImportAsync(Array(Contact($"h{i}@example.com")), list))["activity_id"]!.GetValue<string>());
        }

        var all = (await sandbox.GetAsync("v3/activities")).Json!["activities"]!.AsArray();
        Assert.Equal(Enumerable.Reverse(ids), all.Select(a => a!["activity_id"]!.GetValue<string>()));
        Assert.Equal(2, (await sandbox.GetAsync("v3/activities?limit=2")).Json!["activities"]!.AsArray().Count);
        Assert.Equal(3, (await sandbox.GetAsync("v3/activities?state=completed")).Json!["activities"]!.AsArray().Count);
        Assert.Empty((await sandbox.GetAsync("v3/activities?state=processing")).Json!["activities"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.GetAsync("v3/activities?state=done")).Status);

        var inspected = (await sandbox.StateAsync())["activities"]!.AsArray();
        Assert.Equal(3, inspected.Count);
        Assert.All(inspected, a =>
        {
            Assert.Equal("contacts_json_import", a!["type"]!.GetValue<string>());
            Assert.Equal(list, a["list_ids"]![0]!.GetValue<string>());
            Assert.Equal(1, a["person_count"]!.GetValue<int>());
        });
    }

    [Fact]
    public async Task Activities_page_through_links_next_as_the_api_pages()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Pages");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await sandbox.ImportAsync(Array(Contact($"p{i}@example.com")), list))["activity_id"]!.GetValue<string>());
        }

        var seen = new List<string>();
        var pages = 0;
        string? next = "v3/activities?limit=2";
        while (next is not null)
        {
            var page = (await sandbox.GetAsync(next)).Json!;
            pages++;
            seen.AddRange(page["activities"]!.AsArray().Select(a => a!["activity_id"]!.GetValue<string>()));
            next = page["_links"]?["next"]?["href"]?.GetValue<string>().TrimStart('/');
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(ids), seen);
        Assert.Null((await sandbox.GetAsync("v3/activities")).Json!["_links"]);
        Assert.Equal(1, (await sandbox.GetAsync("v3/activities")).Json!["activities"]![0]!["status"]!["list_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_csv_file_import_works_and_a_wrong_request_is_415()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Csv");
        await sandbox.CreateCustomFieldAsync("Tier");
        var csv = "email,first_name,last_name,cf:Tier\nada@example.com,Ada,Lovelace,Gold\n\"grace@example.com\",\"Grace, Rear Admiral\",Hopper,\nbad address,X,Y,Z\n";

        var reply = await sandbox.SendAsync(sandbox.Authorized(new HttpRequestMessage(HttpMethod.Post, "v3/activities/contacts_file_import")
        {
            Content = Multipart(csv, "people.csv", list),
        }));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal("people.csv", reply.Json!["source_file_name"]!.GetValue<string>());
        var activity = await sandbox.WaitForActivityAsync(reply.Json["activity_id"]!.GetValue<string>());
        Assert.Equal(4, activity["status"]!["items_total_count"]!.GetValue<int>());
        Assert.Equal(2, activity["status"]!["person_count"]!.GetValue<int>());
        Assert.Equal(1, activity["status"]!["correctable_count"]!.GetValue<int>());
        var members = await sandbox.MembersAsync(list);
        Assert.Equal("Grace, Rear Admiral", members.Single(m => m!["last_name"]!.GetValue<string>() == "Hopper")!["first_name"]!.GetValue<string>());
        Assert.Equal("Gold", members.Single(m => m!["last_name"]!.GetValue<string>() == "Lovelace")!["custom_fields"]![0]!["value"]!.GetValue<string>());

        var json = new StringContent("{}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await sandbox.SendAsync(sandbox.Authorized(new HttpRequestMessage(HttpMethod.Post, "v3/activities/contacts_file_import") { Content = json }))).Status);

        var noBoundary = Multipart(csv, "people.csv", list);
        noBoundary.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await sandbox.SendAsync(sandbox.Authorized(new HttpRequestMessage(HttpMethod.Post, "v3/activities/contacts_file_import") { Content = noBoundary }))).Status);

        var text = await sandbox.SendAsync(sandbox.Authorized(new HttpRequestMessage(HttpMethod.Post, "v3/activities/contacts_file_import") { Content = Multipart(csv, "people.txt", list) }));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.Status);
        Assert.Contains(".csv", text.Text, StringComparison.Ordinal);

        var missingList = await sandbox.SendAsync(sandbox.Authorized(new HttpRequestMessage(HttpMethod.Post, "v3/activities/contacts_file_import") { Content = Multipart(csv, "people.csv", Guid.NewGuid().ToString()) }));
        Assert.Equal(HttpStatusCode.NotFound, missingList.Status);
    }

    [Fact]
    public async Task A_csv_file_is_processed_to_its_40_000th_line_only()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Lines");
        var csv = new StringBuilder("email\n");
        for (var i = 0; i < 40_010; i++)
        {
            csv.Append("line").Append(i).Append("@example.com\n");
        }

        var reply = await sandbox.SendAsync(sandbox.Authorized(new HttpRequestMessage(HttpMethod.Post, "v3/activities/contacts_file_import") { Content = Multipart(csv.ToString(), "many.csv", list) }));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var activity = await sandbox.WaitForActivityAsync(reply.Json!["activity_id"]!.GetValue<string>());
        Assert.Equal(39_999, activity["status"]!["person_count"]!.GetValue<int>());
        Assert.Equal(40_000, activity["status"]!["items_total_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Remove_list_memberships_takes_contacts_off_lists()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var keep = await sandbox.CreateListAsync("Keep");
        var drop = await sandbox.CreateListAsync("Drop");
        await sandbox.ImportAsync(Array(Contact("stay@example.com"), Contact("go@example.com")), keep, drop);
        var go = (await sandbox.GetAsync("v3/contacts?email=go@example.com")).Json!["contacts"]![0]!["contact_id"]!.GetValue<string>();

        var reply = await sandbox.PostJsonAsync("v3/activities/remove_list_memberships", new JsonObject
        {
            ["source"] = new JsonObject { ["contact_ids"] = new JsonArray(go) },
            ["list_ids"] = new JsonArray(drop),
        });
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        await sandbox.WaitForActivityAsync(reply.Json!["activity_id"]!.GetValue<string>());
        Assert.Equal("stay@example.com", Assert.Single(await sandbox.MembersAsync(drop))!["email_address"]!["address"]!.GetValue<string>());
        Assert.Equal(2, (await sandbox.MembersAsync(keep)).Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.PostJsonAsync("v3/activities/remove_list_memberships", new JsonObject { ["list_ids"] = new JsonArray(drop) })).Status);
    }

    private static MultipartFormDataContent Multipart(string csv, string fileName, string listIds)
    {
        var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", fileName);
        content.Add(new StringContent(listIds), "list_ids");
        return content;
    }

    [Theory]
    [InlineData("failed")]
    [InlineData("cancelled")]
    [InlineData("timed_out")]
    public async Task A_fault_ends_the_next_activity_in_the_state_given_with_nothing_imported(string end)
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Ends");
        var set = await sandbox.PostJsonAsync("__sandbox/activity-ends", new JsonObject { ["ends"] = new JsonArray(end) });
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(end, Assert.Single(set.Json!["pending"]!.AsArray())!.GetValue<string>());

        var ended = await sandbox.ImportAsync(Array(Contact("lost@example.com")), list);
        Assert.Equal(end, ended["state"]!.GetValue<string>());
        Assert.NotEmpty(ended["activity_errors"]!.AsArray());
        Assert.NotNull(ended["completed_at"]);
        Assert.Equal(0, ended["status"]!["person_count"]!.GetValue<int>());
        Assert.Empty(await sandbox.MembersAsync(list));

        // The fault is used up: the next activity completes.
        var next = await sandbox.ImportAsync(Array(Contact("kept@example.com")), list);
        Assert.Equal("completed", next["state"]!.GetValue<string>());
        Assert.Single(await sandbox.MembersAsync(list));
    }

    [Fact]
    public async Task Activity_ends_from_the_command_line_come_in_order_and_state_filters_each()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync(o => o.ActivityEnds = SandboxActivityEnds("failed,timed_out,cancelled"));
        var list = await sandbox.CreateListAsync("Ordered");
        var states = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            states.Add((await sandbox.ImportAsync(Array(Contact($"o{i}@example.com")), list))["state"]!.GetValue<string>());
        }

        Assert.Equal(new[] { "failed", "timed_out", "cancelled", "completed" }, states);
        foreach (var state in new[] { "failed", "timed_out", "cancelled", "completed" })
        {
            var page = (await sandbox.GetAsync($"v3/activities?state={state}")).Json!["activities"]!.AsArray();
            Assert.Equal(state, Assert.Single(page)!["state"]!.GetValue<string>());
        }

        Assert.Empty((await sandbox.GetAsync("v3/activities?state=processing")).Json!["activities"]!.AsArray());
    }

    [Theory]
    [InlineData("initialized")] // a state, but not one the collection filters on
    [InlineData("time_out")] // the prose's spelling; the enum says timed_out
    [InlineData("COMPLETED")]
    public async Task A_state_filter_outside_the_api_s_list_is_a_400_error_array(string state)
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var reply = await sandbox.GetAsync($"v3/activities?state={state}");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        var error = Assert.Single(reply.Json!.AsArray())!;
        Assert.Contains("processing, completed, cancelled, failed or timed_out", error["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_activity_end_is_refused()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var reply = await sandbox.PostJsonAsync("__sandbox/activity-ends", new JsonObject { ["ends"] = new JsonArray("exploded") });
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Throws<ArgumentException>(() => SandboxOptions.Parse(["--activity-ends", "completed"]));
    }

    private static IReadOnlyList<ConstantContact.Sandbox.Activities.ActivityState> SandboxActivityEnds(string list) =>
        SandboxOptions.Parse(["--activity-ends", list]).ActivityEnds;
}
