using ConstantContact.Sandbox.Tests.Support;

namespace ConstantContact.Sandbox.Tests;

public sealed class ListTests
{
    [Fact]
    public async Task Lists_are_created_found_by_name_and_unique_without_regard_to_case()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var id = await sandbox.CreateListAsync("Newsletter");

        var duplicate = await sandbox.PostJsonAsync("v3/contact_lists", new JsonObject { ["name"] = "newsletter" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.NotNull(Assert.Single(duplicate.Json!.AsArray())!["error_key"]);

        var byName = await sandbox.GetAsync("v3/contact_lists?name=Newsletter");
        Assert.Equal(id, Assert.Single(byName.Json!["lists"]!.AsArray())!["list_id"]!.GetValue<string>());
        Assert.Empty((await sandbox.GetAsync("v3/contact_lists?name=Other")).Json!["lists"]!.AsArray());
        var otherCase = await sandbox.GetAsync("v3/contact_lists?name=NEWSLETTER");
        Assert.Equal("Newsletter", Assert.Single(otherCase.Json!["lists"]!.AsArray())!["name"]!.GetValue<string>());

        var one = await sandbox.GetAsync($"v3/contact_lists/{id}?include_membership_count=all");
        Assert.Equal("Newsletter", one.Json!["name"]!.GetValue<string>());
        Assert.Equal(0, one.Json["membership_count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await sandbox.GetAsync($"v3/contact_lists/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.PostJsonAsync("v3/contact_lists", new JsonObject { ["name"] = " " })).Status);
    }

    [Fact]
    public async Task Lists_page_with_a_cursor_in_links_next_href()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await sandbox.CreateListAsync($"List {i}"));
        }

        var seen = new List<string>();
        var path = "v3/contact_lists?limit=2&include_count=true&include_membership_count=active";
        var pages = 0;
        while (path is not null)
        {
            var page = await sandbox.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal(5, page.Json!["lists_count"]!.GetValue<int>());
            var lists = page.Json["lists"]!.AsArray();
            Assert.InRange(lists.Count, 1, 2);
            Assert.All(lists, l => Assert.NotNull(l!["membership_count"]));
            seen.AddRange(lists.Select(l => l!["list_id"]!.GetValue<string>()));
            var href = page.Json["_links"]?["next"]?["href"]?.GetValue<string>();
            if (href is not null)
            {
                Assert.StartsWith("/v3/contact_lists?cursor=", href, StringComparison.Ordinal);
            }

            path = href?.TrimStart('/');
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(created, seen);
        Assert.Equal(HttpStatusCode.BadRequest, (await sandbox.GetAsync("v3/contact_lists?limit=0")).Status);
    }

    [Fact]
    public async Task An_account_holds_at_most_a_thousand_lists()
    {
        await using var sandbox = await TestSandbox.StartWithTokenAsync();
        for (var i = 0; i < 1_000; i += 50)
        {
            var batch = await Task.WhenAll(Enumerable.Range(i, 50).Select(n => sandbox.PostJsonAsync("v3/contact_lists", new JsonObject { ["name"] = $"L{n}" })));
            Assert.All(batch, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        }

        var over = await sandbox.PostJsonAsync("v3/contact_lists", new JsonObject { ["name"] = "one too many" });
        Assert.Equal(HttpStatusCode.BadRequest, over.Status);
        Assert.Equal(1_000, (await sandbox.StateAsync())["lists"]!.AsArray().Count);
    }
}
