using System.Text;
using ConstantContact.Sandbox.Tests.Support;
using static ConstantContact.Sandbox.Tests.Support.People;

namespace ConstantContact.Sandbox.Tests;

public sealed class ImportTests
{
    [Fact]
    public async Task An_import_creates_contacts_and_a_later_one_updates_only_the_fields_it_carries()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var first = await sandbox.CreateListAsync("First");
        var second = await sandbox.CreateListAsync("Second");
        await sandbox.CreateCustomFieldAsync("Tier");

        var created = await sandbox.ImportAsync(
            Array(Contact("Ada@Example.com", ("first_name", "Ada"), ("job_title", "Analyst"), ("phone", "555-0100"), ("city", "London"), ("cf:Tier", "Gold"))),
            first);
        Assert.Equal(1, created["status"]!["person_count"]!.GetValue<int>());

        var updated = await sandbox.ImportAsync(Array(Contact("ada@example.COM", ("last_name", "Lovelace"), ("work_phone", "555-0199"))), second);
        Assert.Equal(1, updated["status"]!["person_count"]!.GetValue<int>());

        var contacts = (await sandbox.GetAsync("v3/contacts?include=custom_fields,list_memberships,phone_numbers,street_addresses")).Json!["contacts"]!.AsArray();
        var contact = Assert.Single(contacts)!;
        Assert.Equal("Ada@Example.com", contact["email_address"]!["address"]!.GetValue<string>());
        Assert.Equal("implicit", contact["email_address"]!["permission_to_send"]!.GetValue<string>());
        Assert.Equal("Ada", contact["first_name"]!.GetValue<string>());
        Assert.Equal("Lovelace", contact["last_name"]!.GetValue<string>());
        Assert.Equal("Analyst", contact["job_title"]!.GetValue<string>());
        Assert.Equal(2, contact["phone_numbers"]!.AsArray().Count);
        Assert.Equal("London", contact["street_addresses"]![0]!["city"]!.GetValue<string>());
        Assert.Equal("Gold", contact["custom_fields"]![0]!["value"]!.GetValue<string>());
        // Membership only grows: the second import added a list and took none away.
        Assert.Equal(new[] { first, second }.Order(), contact["list_memberships"]!.AsArray().Select(l => l!.GetValue<string>()).Order());
        Assert.NotNull(contact["created_at"]);
        Assert.NotNull(contact["updated_at"]);
    }

    [Fact]
    public async Task Duplicates_inside_one_body_are_one_person_with_later_values_winning()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Dupes");
        var activity = await sandbox.ImportAsync(
            Array(
                Contact("grace@example.com", ("first_name", "G"), ("last_name", "Hopper")),
                Contact("GRACE@example.com", ("first_name", "Grace")),
                Contact("other@example.com")),
            list);
        Assert.Equal(3, activity["status"]!["items_total_count"]!.GetValue<int>());
        Assert.Equal(2, activity["status"]!["person_count"]!.GetValue<int>());
        var members = await sandbox.MembersAsync(list);
        Assert.Equal(2, members.Count);
        var grace = members.Single(m => m!["email_address"]!["address"]!.GetValue<string>() == "grace@example.com")!;
        Assert.Equal("Grace", grace["first_name"]!.GetValue<string>());
        Assert.Equal("Hopper", grace["last_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_emails_and_over_long_fields_are_correctable_and_not_imported()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Quality");
        await sandbox.CreateCustomFieldAsync("Note");
        var activity = await sandbox.ImportAsync(
            Array(
                Contact("good@example.com"),
                Contact("not an email"),
                Contact("two@@example.com"),
                Contact(" padded@example.com"),
                Contact(new string('a', 70) + "@example.com"),
                Contact("long@example.com", ("first_name", new string('x', 51))),
                Contact("cf@example.com", ("cf:Note", new string('y', 256))),
                new JsonObject { ["email"] = "bday@example.com", ["birthday_month"] = 13, ["birthday_day"] = 1 },
                new JsonObject { ["first_name"] = "No email" }),
            list);
        var status = activity["status"]!;
        Assert.Equal(9, status["items_total_count"]!.GetValue<int>());
        Assert.Equal(1, status["person_count"]!.GetValue<int>());
        Assert.Equal(8, status["correctable_count"]!.GetValue<int>());
        Assert.Equal(0, status["error_count"]!.GetValue<int>());
        Assert.NotEmpty(activity["activity_errors"]!.AsArray());
        Assert.Single(await sandbox.MembersAsync(list));
    }

    [Fact]
    public async Task Birthdays_sent_as_integers_land_on_the_contact()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Birthdays");
        var activity = await sandbox.ImportAsync(
            Array(new JsonObject { ["email"] = "may@example.com", ["birthday_month"] = 5, ["birthday_day"] = 9 }), list);
        Assert.Equal(1, activity["status"]!["person_count"]!.GetValue<int>());
        var member = Assert.Single(await sandbox.MembersAsync(list))!;
        Assert.Equal(5, member["birthday_month"]!.GetValue<int>());
        Assert.Equal(9, member["birthday_day"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("\"5\"", "a string")]
    [InlineData("5.5", "a fraction")]
    [InlineData("true", "a boolean")]
    public async Task A_birthday_that_is_not_a_json_integer_breaks_the_schema_and_refuses_the_whole_request(string month, string described)
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Schema");
        var body = $$"""{"import_data":[{"email":"ok@example.com"},{"email":"may@example.com","birthday_month":{{month}},"birthday_day":9}],"list_ids":["{{list}}"]}""";

        var reply = await sandbox.PostBytesAsync("v3/activities/contacts_json_import", Encoding.UTF8.GetBytes(body));

        // The vendor's 400 body: an array of {error_key, error_message} (APIErrorSchema).
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        var error = Assert.Single(reply.Json!.AsArray())!;
        Assert.Equal("contacts.api.validation.error", error["error_key"]!.GetValue<string>());
        Assert.Contains("import_data[1].birthday_month", error["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(described, error["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        // Nothing was queued or imported, not even the valid contact.
        Assert.Empty((await sandbox.StateAsync())["activities"]!.AsArray());
        Assert.Empty(await sandbox.MembersAsync(list));
    }

    [Fact]
    public async Task Unsubscribed_contacts_are_not_added_to_lists_and_are_counted()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Promo");
        await sandbox.ImportAsync(Array(Contact("left@example.com", ("first_name", "Left"))), list);
        var unsubscribe = await sandbox.PostJsonAsync("__sandbox/unsubscribe", new JsonObject { ["emails"] = new JsonArray("LEFT@example.com", "never@example.com") });
        Assert.Equal(HttpStatusCode.OK, unsubscribe.Status);
        Assert.Empty(await sandbox.MembersAsync(list));

        var activity = await sandbox.ImportAsync(
            Array(Contact("left@example.com", ("last_name", "Again")), Contact("never@example.com"), Contact("new@example.com")), list);
        Assert.Equal(3, activity["status"]!["person_count"]!.GetValue<int>());
        Assert.Equal(2, activity["status"]!["cannot_add_to_list_count"]!.GetValue<int>());
        var member = Assert.Single(await sandbox.MembersAsync(list))!;
        Assert.Equal("new@example.com", member["email_address"]!["address"]!.GetValue<string>());

        var unsubscribed = (await sandbox.GetAsync("v3/contacts?status=unsubscribed")).Json!["contacts"]!.AsArray();
        Assert.Equal(2, unsubscribed.Count);
        Assert.All(unsubscribed, c => Assert.Equal("unsubscribed", c!["email_address"]!["permission_to_send"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Requests_outside_the_rules_are_400s_with_error_arrays()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Rules");
        var one = Array(Contact("a@example.com"));

        async Task AssertBadAsync(string body)
        {
            var reply = await sandbox.PostBytesAsync("v3/activities/contacts_json_import", Encoding.UTF8.GetBytes(body));
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{body}: {reply}");
            Assert.NotNull(Assert.Single(reply.Json!.AsArray())!["error_message"]);
        }

        await AssertBadAsync("{not json");
        await AssertBadAsync("""{"list_ids":["LIST"]}""".Replace("LIST", list, StringComparison.Ordinal));
        await AssertBadAsync(TestSandbox.ImportBody(Array(), list).ToJsonString());
        await AssertBadAsync(TestSandbox.ImportBody(one.DeepClone().AsArray()).ToJsonString());
        await AssertBadAsync(TestSandbox.ImportBody(one.DeepClone().AsArray(), Guid.NewGuid().ToString()).ToJsonString());
        await AssertBadAsync(TestSandbox.ImportBody(one.DeepClone().AsArray(), "not-a-guid").ToJsonString());
        await AssertBadAsync(TestSandbox.ImportBody(one.DeepClone().AsArray(), Enumerable.Repeat(list, 1).Concat(Enumerable.Range(0, 50).Select(_ => Guid.NewGuid().ToString())).ToArray()).ToJsonString());
        await AssertBadAsync(TestSandbox.ImportBody(Array(Contact("a@example.com", ("cf:missing", "x"))), list).ToJsonString());
        await AssertBadAsync(TestSandbox.ImportBody(Numbered(40_001), list).ToJsonString());
    }

    [Fact]
    public async Task A_body_over_4_MB_is_cut_to_the_contacts_wholly_within_its_first_4_000_000_bytes()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Big");
        var (body, kept, total) = BuildOversizedBody(list);
        Assert.True(body.Length > 4_000_000);

        var reply = await sandbox.PostBytesAsync("v3/activities/contacts_json_import", body);
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal(kept, reply.Json!["status"]!["items_total_count"]!.GetValue<int>());
        var activity = await sandbox.WaitForActivityAsync(reply.Json["activity_id"]!.GetValue<string>());
        Assert.Equal(kept, activity["status"]!["person_count"]!.GetValue<int>());

        // The contact that ends exactly at byte 4,000,000 is in; the next one is not.
        var lastKept = await sandbox.GetAsync($"v3/contacts?email=cut{kept - 1:D7}@example.com");
        Assert.Single(lastKept.Json!["contacts"]!.AsArray());
        var firstDropped = await sandbox.GetAsync($"v3/contacts?email=cut{kept:D7}@example.com");
        Assert.Empty(firstDropped.Json!["contacts"]!.AsArray());

        var state = await sandbox.StateAsync();
        Assert.Equal(body.Length, state["max_request_bytes"]!.GetValue<long>());
        Assert.Equal(total, state["max_contacts_in_request"]!.GetValue<int>());
        Assert.Equal(kept, state["imported_contacts_total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Forty_thousand_contacts_in_one_request_are_all_processed()
    {
        await ImportFortyThousandAsync();
    }

    internal static async Task ImportFortyThousandAsync()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var list = await sandbox.CreateListAsync("Forty");
        var body = Encoding.UTF8.GetBytes(TestSandbox.ImportBody(Numbered(40_000), list).ToJsonString());
        Assert.True(body.Length < 4_000_000);
        var reply = await sandbox.PostBytesAsync("v3/activities/contacts_json_import", body);
        var activity = await sandbox.WaitForActivityAsync(reply.Json!["activity_id"]!.GetValue<string>());
        Assert.Equal(40_000, activity["status"]!["person_count"]!.GetValue<int>());
        Assert.Equal(40_000, (await sandbox.GetAsync($"v3/contact_lists/{list}?include_membership_count=all")).Json!["membership_count"]!.GetValue<int>());
    }

    /// <summary>
    /// A body of 30,000 contacts past 4,000,000 bytes, padded so that one contact's closing brace is byte 4,000,000
    /// exactly. Returns the body, how many contacts lie wholly within 4,000,000 bytes, and the total.
    /// </summary>
    private static (byte[] Body, int Kept, int Total) BuildOversizedBody(string listId)
    {
        const int Limit = 4_000_000;
        const int Total = 30_000;
        var text = new StringBuilder($$"""{"list_ids":["{{listId}}"],"import_data":[""", Limit + 500_000);
        var kept = -1;
        for (var i = 0; i < Total; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var element = $$"""{"email":"cut{{i:D7}}@example.com","street":"{{new string('p', 150)}}"}""";
            if (kept < 0 && text.Length + element.Length > Limit)
            {
                // Pad this contact's street (255 characters allowed) so that it ends exactly at the limit (all ASCII: chars are bytes).
                var room = Limit - text.Length - element.Length + 150;
                if (room < 1)
                {
                    // Not enough room to end exactly at the limit: let the previous contact be the last one kept.
                    kept = i;
                }
                else
                {
                    element = $$"""{"email":"cut{{i:D7}}@example.com","street":"{{new string('p', room)}}"}""";
                    kept = i + 1;
                }
            }

            text.Append(element);
        }

        text.Append("]}");
        var body = Encoding.UTF8.GetBytes(text.ToString());
        return (body, kept, Total);
    }
}
