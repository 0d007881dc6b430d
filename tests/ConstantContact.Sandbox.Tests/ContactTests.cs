using ConstantContact.Sandbox.Tests.Support;
using static ConstantContact.Sandbox.Tests.Support.People;

namespace ConstantContact.Sandbox.Tests;

public sealed class ContactTests
{
    [Fact]
    public async Task Contacts_filter_by_email_list_and_status_and_page_with_a_cursor()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var a = await sandbox.CreateListAsync("A");
        var b = await sandbox.CreateListAsync("B");
        await sandbox.ImportAsync(Numbered(7, "a"), a);
        await sandbox.ImportAsync(Numbered(3, "b"), b);

        var byEmail = (await sandbox.GetAsync("v3/contacts?email=A0000003@EXAMPLE.com")).Json!["contacts"]!.AsArray();
        Assert.Equal("a0000003@example.com", Assert.Single(byEmail)!["email_address"]!["address"]!.GetValue<string>());
        // Sub-resources only when asked for.
        Assert.Null(byEmail[0]!["custom_fields"]);
        Assert.Null(byEmail[0]!["list_memberships"]);

        var emails = new List<string>();
        var path = $"v3/contacts?lists={a}&limit=3&include=list_memberships";
        while (path is not null)
        {
            var page = (await sandbox.GetAsync(path)).Json!;
            var contacts = page["contacts"]!.AsArray();
            Assert.All(contacts, c => Assert.Equal(a, c!["list_memberships"]![0]!.GetValue<string>()));
            emails.AddRange(contacts.Select(c => c!["email_address"]!["address"]!.GetValue<string>()));
            path = page["_links"]?["next"]?["href"]?.GetValue<string>().TrimStart('/');
        }

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"a{i:D7}@example.com"), emails);
        Assert.Equal(10, (await sandbox.GetAsync($"v3/contacts?lists={a},{b}&limit=500")).Json!["contacts"]!.AsArray().Count);
        Assert.Equal(10, (await sandbox.GetAsync("v3/contacts?status=active&include_count=true")).Json!["contacts_count"]!.GetValue<int>());
        Assert.Empty((await sandbox.GetAsync("v3/contacts?status=unsubscribed")).Json!["contacts"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.GetAsync("v3/contacts?limit=501")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.GetAsync("v3/contacts?include=everything")).Status);
    }

    [Fact]
    public async Task Inspection_lists_every_member_with_custom_fields_and_counts_requests()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Members");
        await sandbox.CreateCustomFieldAsync("Tier");
        await sandbox.ImportAsync(Array(Contact("m1@example.com", ("cf:Tier", "Gold")), Contact("m2@example.com")), list);

        var members = await sandbox.MembersAsync(list);
        Assert.Equal(2, members.Count);
        Assert.Equal("Gold", members[0]!["custom_fields"]![0]!["value"]!.GetValue<string>());
        Assert.Empty(members[1]!["custom_fields"]!.AsArray());
        Assert.Equal(list, members[0]!["list_memberships"]![0]!.GetValue<string>());

        var state = await sandbox.StateAsync();
        Assert.Equal(2, state["lists"]![0]!["membership_count"]!.GetValue<int>());
        Assert.Equal("Members", state["lists"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(1, state["requests_by_route"]!["POST /v3/contact_lists"]!.GetValue<long>());
        Assert.Equal(1, state["requests_by_route"]!["POST /v3/activities/contacts_json_import"]!.GetValue<long>());
        Assert.True(state["requests_total"]!.GetValue<long>() >= 5);
        Assert.Equal(2, state["imported_contacts_total"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.GetAsync($"__sandbox/lists/{Guid.NewGuid()}/members")).Status);
    }
}
