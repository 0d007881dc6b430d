using ConstantContact.Sandbox.Tests.Support;

namespace ConstantContact.Sandbox.Tests;

public sealed class CustomFieldTests
{
    [Fact]
    public async Task Name_comes_from_the_label_with_blanks_replaced_and_duplicates_conflict()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var created = await sandbox.PostJsonAsync("v3/contact_custom_fields", new JsonObject { ["label"] = "Loyalty tier level", ["type"] = "string" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("Loyalty_tier_level", created.Json!["name"]!.GetValue<string>());
        Assert.Equal("Loyalty tier level", created.Json["label"]!.GetValue<string>());
        Assert.True(Guid.TryParse(created.Json["custom_field_id"]!.GetValue<string>(), out _));

        var duplicate = await sandbox.PostJsonAsync("v3/contact_custom_fields", new JsonObject { ["label"] = "loyalty tier level", ["type"] = "string" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.PostJsonAsync("v3/contact_custom_fields", new JsonObject { ["label"] = "x", ["type"] = "blob" })).Status);
    }

    [Fact]
    public async Task An_account_holds_at_most_a_hundred_custom_fields_listed_in_pages()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        for (var i = 0; i < 100; i++)
        {
            await sandbox.CreateCustomFieldAsync($"Field {i}");
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.PostJsonAsync("v3/contact_custom_fields", new JsonObject { ["label"] = "Field 100", ["type"] = "string" })).Status);

        var first = await sandbox.GetAsync("v3/contact_custom_fields");
        Assert.Equal(50, first.Json!["custom_fields"]!.AsArray().Count);
        var next = first.Json["_links"]!["next"]!["href"]!.GetValue<string>();
        var second = await sandbox.GetAsync(next.TrimStart('/'));
        Assert.Equal(50, second.Json!["custom_fields"]!.AsArray().Count);
        Assert.Null(second.Json["_links"]);
        Assert.Equal("Field_99", second.Json["custom_fields"]![49]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_custom_field_is_read_by_id_and_a_label_without_blanks_is_its_own_name()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var created = await sandbox.PostJsonAsync("v3/contact_custom_fields", new JsonObject { ["label"] = "loyalty_tier", ["type"] = "string" });
        Assert.Equal("loyalty_tier", created.Json!["name"]!.GetValue<string>());
        var id = created.Json["custom_field_id"]!.GetValue<string>();

        var one = await sandbox.GetAsync($"v3/contact_custom_fields/{id}");
        Assert.Equal(HttpStatusCode.OK, one.Status);
        Assert.Equal(("loyalty_tier", "string"), (one.Json!["label"]!.GetValue<string>(), one.Json["type"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.GetAsync($"v3/contact_custom_fields/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await sandbox.PostJsonAsync("v3/contact_custom_fields", new JsonObject { ["label"] = "LOYALTY_TIER", ["type"] = "date" })).Status);
    }
}
