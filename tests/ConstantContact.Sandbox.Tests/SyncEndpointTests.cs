using ConstantContact.Sandbox.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using static ConstantContact.Sandbox.Tests.Support.People;

namespace ConstantContact.Sandbox.Tests;

/// <summary>
/// What a segment sync needs from the API (issue 13): contacts found by list and update time with cursor paging,
/// list memberships removed in batches of at most 500 contact ids, and unsubscribed contacts left alone.
/// </summary>
public sealed class SyncEndpointTests
{
    private static readonly string[] RemoveFields = ["items_total_count", "items_completed_count", "list_count"];

    [Fact]
    public async Task Remove_list_memberships_refuses_what_the_spec_refuses_with_an_error_array()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Target");
        var other = await sandbox.CreateListAsync("Other");
        string[] Ids(int count) => Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString()).ToArray();

        async Task AssertRefusedAsync(JsonObject body, string what)
        {
            var reply = await sandbox.PostJsonAsync("v3/activities/remove_list_memberships", body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{what}: {reply}");
            var error = Assert.Single(reply.Json!.AsArray())!;
            Assert.NotNull(error["error_key"]);
            Assert.NotNull(error["error_message"]);
        }

        JsonObject Body(JsonObject source, params string[] targets) => new()
        {
            ["source"] = source,
            ["list_ids"] = new JsonArray(targets.Select(t => (JsonNode)t).ToArray()),
        };

        await AssertRefusedAsync(Body(new JsonObject { ["contact_ids"] = new JsonArray(Ids(501).Select(i => (JsonNode)i).ToArray()) }, list), "501 contact ids");
        await AssertRefusedAsync(Body(new JsonObject { ["contact_ids"] = new JsonArray(Ids(1).Select(i => (JsonNode)i).ToArray()) }, [list, .. Ids(50)]), "51 target lists");
        await AssertRefusedAsync(Body(new JsonObject { ["list_ids"] = new JsonArray([other, .. Ids(50).Select(i => (JsonNode)i)]) }, list), "51 source lists");
        await AssertRefusedAsync(Body(new JsonObject { ["contact_ids"] = new JsonArray(Guid.NewGuid().ToString()), ["list_ids"] = new JsonArray(other) }, list), "two sources");
        await AssertRefusedAsync(Body(new JsonObject(), list), "no source member");
        await AssertRefusedAsync(Body(new JsonObject { ["contact_ids"] = new JsonArray("not-a-guid") }, list), "a malformed contact id");
        await AssertRefusedAsync(Body(new JsonObject { ["contact_ids"] = new JsonArray(Guid.NewGuid().ToString()) }), "no target list");
        await AssertRefusedAsync(Body(new JsonObject { ["all_active_contacts"] = true }, list), "a source the sandbox does not emulate");
        var withExclude = Body(new JsonObject { ["contact_ids"] = new JsonArray(Guid.NewGuid().ToString()) }, list);
        withExclude["exclude"] = new JsonObject { ["contact_ids"] = new JsonArray(Guid.NewGuid().ToString()) };
        await AssertRefusedAsync(withExclude, "exclude with a contact_ids source");

        // 500 is within the limit; ids the account does not know are skipped and reported when the activity ends.
        var reply = await sandbox.PostJsonAsync(
            "v3/activities/remove_list_memberships",
            Body(new JsonObject { ["contact_ids"] = new JsonArray(Ids(500).Select(i => (JsonNode)i).ToArray()) }, list));
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var done = await sandbox.WaitForActivityAsync(reply.Json!["activity_id"]!.GetValue<string>());
        Assert.Equal("completed", done["state"]!.GetValue<string>());
        Assert.Equal(500, done["status"]!["items_total_count"]!.GetValue<int>());
        Assert.Equal("500 rows: contact_id not found.", Assert.Single(done["activity_errors"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task Removal_takes_away_the_membership_only_and_goes_through_processing_to_completed()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var segment = await sandbox.CreateListAsync("Segment");
        var other = await sandbox.CreateListAsync("Other");
        await sandbox.ImportAsync(Array(Contact("leaver@example.com", ("first_name", "Lee")), Contact("stayer@example.com")), segment, other);
        var before = await ContactAsync(sandbox, "leaver@example.com");
        var leaver = before["contact_id"]!.GetValue<string>();

        var reply = await sandbox.PostJsonAsync("v3/activities/remove_list_memberships", new JsonObject
        {
            ["source"] = new JsonObject { ["contact_ids"] = new JsonArray(leaver) },
            ["list_ids"] = new JsonArray(segment),
        });
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal("initialized", reply.Json!["state"]!.GetValue<string>());
        var processing = await sandbox.WaitForActivityStateAsync(reply.Json["activity_id"]!.GetValue<string>(), "processing", "completed");
        Assert.Contains(processing["state"]!.GetValue<string>(), new[] { "processing", "completed" });
        var done = await sandbox.WaitForActivityAsync(reply.Json["activity_id"]!.GetValue<string>());
        Assert.Equal("completed", done["state"]!.GetValue<string>());
        Assert.Equal(100, done["percent_done"]!.GetValue<int>());
        // The spec's ActivityListsMembership status: no import counters.
        Assert.Equal(RemoveFields.Order(), done["status"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(1, done["status"]!["items_total_count"]!.GetValue<int>());
        Assert.Equal(1, done["status"]!["list_count"]!.GetValue<int>());

        var after = await ContactAsync(sandbox, "leaver@example.com");
        Assert.Equal(leaver, after["contact_id"]!.GetValue<string>());
        Assert.Equal("implicit", after["email_address"]!["permission_to_send"]!.GetValue<string>());
        Assert.Equal("Lee", after["first_name"]!.GetValue<string>());
        Assert.Equal(other, Assert.Single(after["list_memberships"]!.AsArray())!.GetValue<string>());
        Assert.True(after["updated_at"]!.GetValue<DateTime>() >= before["updated_at"]!.GetValue<DateTime>());
        Assert.Equal(["stayer@example.com"], Emails(await sandbox.MembersAsync(segment)));
        Assert.Equal(2, (await sandbox.MembersAsync(other)).Count);
        Assert.Empty((await sandbox.GetAsync("v3/contacts?status=unsubscribed")).Json!["contacts"]!.AsArray());
    }

    [Fact]
    public async Task A_list_source_removes_every_member_but_the_excluded_ones()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var source = await sandbox.CreateListAsync("Source");
        var target = await sandbox.CreateListAsync("Target");
        await sandbox.ImportAsync(Numbered(5, "s"), source, target);
        await sandbox.ImportAsync(Array(Contact("only-target@example.com")), target);
        var kept = (await ContactAsync(sandbox, "s0000002@example.com"))["contact_id"]!.GetValue<string>();

        var reply = await sandbox.PostJsonAsync("v3/activities/remove_list_memberships", new JsonObject
        {
            ["source"] = new JsonObject { ["list_ids"] = new JsonArray(source) },
            ["list_ids"] = new JsonArray(target),
            ["exclude"] = new JsonObject { ["contact_ids"] = new JsonArray(kept) },
        });
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        await sandbox.WaitForActivityAsync(reply.Json!["activity_id"]!.GetValue<string>());
        Assert.Equal(["s0000002@example.com", "only-target@example.com"], Emails(await sandbox.MembersAsync(target)));
        Assert.Equal(5, (await sandbox.MembersAsync(source)).Count);
    }

    [Fact]
    public async Task A_removal_that_a_fault_ends_removes_nothing()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Faulted");
        await sandbox.ImportAsync(Array(Contact("x@example.com")), list);
        var id = (await ContactAsync(sandbox, "x@example.com"))["contact_id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await sandbox.PostJsonAsync("__sandbox/activity-ends", new JsonObject { ["ends"] = new JsonArray("failed") })).Status);

        var reply = await sandbox.PostJsonAsync("v3/activities/remove_list_memberships", new JsonObject
        {
            ["source"] = new JsonObject { ["contact_ids"] = new JsonArray(id) },
            ["list_ids"] = new JsonArray(list),
        });
        var done = await sandbox.WaitForActivityAsync(reply.Json!["activity_id"]!.GetValue<string>());
        Assert.Equal("failed", done["state"]!.GetValue<string>());
        Assert.Single((await sandbox.MembersAsync(list)));
    }

    [Fact]
    public async Task Contacts_refuse_limits_outside_the_spec()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var lists = string.Join(",", Enumerable.Range(0, 26).Select(_ => Guid.NewGuid()));
        foreach (var query in new[] { $"lists={lists}", "limit=501", "limit=0", "limit=x", "updated_after=yesterday", "status=gone" })
        {
            var reply = await sandbox.GetAsync("v3/contacts?" + query);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{query}: {reply}");
            Assert.NotNull(Assert.Single(reply.Json!.AsArray())!["error_message"]);
        }

        var twentyFive = string.Join(",", Enumerable.Range(0, 25).Select(_ => Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.OK, (await sandbox.GetAsync($"v3/contacts?lists={twentyFive}&limit=500")).Status);
    }

    [Fact]
    public async Task Paging_by_list_gives_every_member_exactly_once_even_while_an_import_adds_contacts()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Paged");
        var other = await sandbox.CreateListAsync("Elsewhere");
        await sandbox.ImportAsync(Numbered(1_234, "p"), list);
        await sandbox.ImportAsync(Numbered(300, "o"), other);

        // The default page is 50.
        var first = (await sandbox.GetAsync($"v3/contacts?lists={list}")).Json!;
        Assert.Equal(50, first["contacts"]!.AsArray().Count);

        var seen = new List<string>();
        var path = $"v3/contacts?lists={list}&limit=100&include=list_memberships";
        var pages = 0;
        while (path is not null)
        {
            var page = (await sandbox.GetAsync(path)).Json!;
            pages++;
            foreach (var contact in page["contacts"]!.AsArray())
            {
                Assert.Contains(list, contact!["list_memberships"]!.AsArray().Select(l => l!.GetValue<string>()));
                Assert.NotNull(contact["contact_id"]);
                Assert.NotNull(contact["updated_at"]);
                Assert.NotNull(contact["email_address"]!["permission_to_send"]);
                seen.Add(contact["email_address"]!["address"]!.GetValue<string>());
            }

            if (pages == 3)
            {
                // New contacts come after those already walked: the cursor neither skips nor repeats anyone.
                await sandbox.ImportAsync(Numbered(10, "late"), list);
            }

            path = page["_links"]?["next"]?["href"]?.GetValue<string>().TrimStart('/');
        }

        var expected = Enumerable.Range(0, 1_234).Select(i => $"p{i:D7}@example.com")
            .Concat(Enumerable.Range(0, 10).Select(i => $"late{i:D7}@example.com"));
        Assert.Equal(expected, seen);
        Assert.Equal(13, pages);
    }

    [Fact]
    public async Task Updated_after_finds_only_contacts_changed_since_then()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero));
        await using var sandbox = await TestSandbox.StartWithTokenAsync(o => o.ActivityDelayMs = 0, time: time);
        var list = await sandbox.CreateListAsync("Nightly");
        await sandbox.ImportAsync(Numbered(20, "n"), list);
        time.Advance(TimeSpan.FromHours(1));
        var lastNight = time.GetUtcNow().AddSeconds(-1);
        time.Advance(TimeSpan.FromSeconds(1));

        // Tonight's import: two new contacts and one existing contact changed.
        await sandbox.ImportAsync(Array(Contact("n0000004@example.com", ("first_name", "Changed")), Contact("new1@example.com"), Contact("new2@example.com")), list);
        var since = Uri.EscapeDataString(lastNight.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        var reply = await sandbox.GetAsync($"v3/contacts?lists={list}&updated_after={since}&include=list_memberships&limit=500");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(["n0000004@example.com", "new1@example.com", "new2@example.com"], Emails(reply.Json!["contacts"]!.AsArray()));
        Assert.Null(reply.Json["_links"]?["next"]);

        // Strictly after: a contact updated at the very instant given is not returned; a date without an offset is UTC.
        var now = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty((await sandbox.GetAsync($"v3/contacts?updated_after={now}")).Json!["contacts"]!.AsArray());
        Assert.Equal(19, (await sandbox.GetAsync($"v3/contacts?updated_before={since}&limit=500")).Json!["contacts"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_unsubscribed_contact_stays_unsubscribed_and_off_the_list_when_imported_again()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Weekly");
        await sandbox.ImportAsync(Array(Contact("optout@example.com", ("first_name", "Old")), Contact("fan@example.com")), list);
        var unsubscribe = await sandbox.PostJsonAsync("__sandbox/unsubscribe", new JsonObject { ["emails"] = new JsonArray("optout@example.com") });
        Assert.Equal(HttpStatusCode.OK, unsubscribe.Status);

        var activity = await sandbox.ImportAsync(Array(Contact("OPTOUT@example.com", ("first_name", "New")), Contact("fan@example.com")), list);
        Assert.Equal(2, activity["status"]!["person_count"]!.GetValue<int>());
        Assert.Equal(1, activity["status"]!["cannot_add_to_list_count"]!.GetValue<int>());
        Assert.Equal(0, activity["status"]!["error_count"]!.GetValue<int>());

        var contact = await ContactAsync(sandbox, "optout@example.com");
        Assert.Equal("unsubscribed", contact["email_address"]!["permission_to_send"]!.GetValue<string>());
        Assert.NotNull(contact["email_address"]!["opt_out_date"]);
        Assert.Equal("New", contact["first_name"]!.GetValue<string>());
        Assert.Empty(contact["list_memberships"]!.AsArray());
        Assert.Equal(["fan@example.com"], Emails(await sandbox.MembersAsync(list)));
    }

    [Fact]
    public async Task A_contact_can_join_a_list_another_way_and_the_inspection_api_shows_it()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Mixed");
        await sandbox.ImportAsync(Array(Contact("ours@example.com")), list);
        await sandbox.PostJsonAsync("__sandbox/unsubscribe", new JsonObject { ["emails"] = new JsonArray("gone@example.com") });

        var joined = await sandbox.PostJsonAsync($"__sandbox/lists/{list}/members", new JsonObject { ["emails"] = new JsonArray("signup@example.com", "ours@example.com", "gone@example.com") });
        Assert.Equal(HttpStatusCode.OK, joined.Status);
        Assert.Equal(1, joined.Json!["count"]!.GetValue<int>());
        Assert.Equal(["ours@example.com", "signup@example.com"], Emails(await sandbox.MembersAsync(list)));

        var signup = await ContactAsync(sandbox, "SignUp@example.com");
        Assert.Equal("explicit", signup["email_address"]!["permission_to_send"]!.GetValue<string>());
        Assert.Equal("Contact", signup["create_source"]!.GetValue<string>());
        Assert.Equal(list, Assert.Single(signup["list_memberships"]!.AsArray())!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.GetAsync("__sandbox/contacts?email=nobody@example.com")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.PostJsonAsync($"__sandbox/lists/{Guid.NewGuid()}/members", new JsonObject { ["emails"] = new JsonArray("a@example.com") })).Status);
        // The inspection API is not Constant Contact: none of it counts as a request.
        Assert.DoesNotContain((await sandbox.StateAsync())["requests_by_route"]!.AsObject(), p => p.Key.Contains("__sandbox", StringComparison.Ordinal));
    }

    private static async Task<JsonNode> ContactAsync(TestSandbox sandbox, string email)
    {
        var reply = await sandbox.GetAsync("__sandbox/contacts?email=" + Uri.EscapeDataString(email));
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        return reply.Json!;
    }

    private static string[] Emails(JsonArray contacts) =>
        contacts.Select(c => c!["email_address"]!["address"]!.GetValue<string>()).ToArray();
}
