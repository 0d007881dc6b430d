using System;
using System.IO;
using System.Linq;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Connections;

public sealed class ConnectionStoreTests
{
    private static ConnectionInfo Connection(string name, string createdBy = "ada", params string[] exportUsers) => new(
        name, "Production", new Uri("https://api.cc.email/v3"), new Uri("https://authz.constantcontact.com/oauth2/default/v1"),
        "client-1", createdBy, new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), exportUsers, new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Saves_finds_lists_and_deletes_without_regard_to_case()
    {
        using var home = new TempHome();
        var store = new ConnectionStore(home.Paths);
        store.Save(Connection("Prod", exportUsers: "bob"));
        store.Save(Connection("Test"));

        ConnectionInfo found = store.Get("prod");
        Assert.Equal("Prod", found.Name);
        Assert.Equal("Production", found.DisplayName);
        Assert.Equal(new[] { "ada", "bob" }, found.ExportUsers);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), found.CreatedOn);
        Assert.Equal(new[] { "Prod", "Test" }, store.List().Select(c => c.Name).ToArray());

        Assert.True(store.Delete("PROD"));
        Assert.Null(store.Find("Prod"));
        var error = Assert.Throws<ConnectionException>(() => store.Get("Prod"));
        Assert.Equal(ConnectionErrorIds.ConnectionNotFound, error.ErrorId);
        Assert.Contains("Test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replacement_keeps_the_existing_names_case()
    {
        using var home = new TempHome();
        var store = new ConnectionStore(home.Paths);
        store.Save(Connection("Prod"));
        Assert.Throws<ArgumentException>(() => store.Save(Connection("PROD")));
        store.Save(Connection("Prod", exportUsers: "bob"));
        Assert.Equal(new[] { "ada", "bob" }, store.Get("prod").ExportUsers);
        Assert.Single(Directory.GetFiles(home.Paths.Connections));
    }

    [Theory]
    [InlineData("ApiBaseUri", "http://api.example.com/v3")]
    [InlineData("AuthBaseUri", "http://authz.example.com/oauth2/default/v1")]
    [InlineData("ApiBaseUri", "http://localhost.example.com/v3")]
    public void A_hand_edited_file_with_plain_http_off_loopback_is_refused_before_any_token_is_sent(string member, string uri)
    {
        // New-CCConnection refuses such endpoints; a connection file is plain JSON that anyone with write access
        // can edit, so the rule holds when the file is read too, or the bearer token would cross the network in clear.
        using var home = new TempHome();
        var store = new ConnectionStore(home.Paths);
        store.Save(Connection("Prod"));
        string path = store.PathFor("Prod");
        string json = File.ReadAllText(path);
        json = System.Text.RegularExpressions.Regex.Replace(json, "\"" + member + "\": \"[^\"]*\"", "\"" + member + "\": \"" + uri + "\"");
        File.WriteAllText(path, json);

        var error = Assert.Throws<ConnectionException>(() => store.Get("Prod"));
        Assert.Equal(ConnectionErrorIds.InsecureEndpoint, error.ErrorId);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Empty(store.List());
    }

    [Fact]
    public void Plain_http_on_loopback_is_read_as_saved()
    {
        using var home = new TempHome();
        var store = new ConnectionStore(home.Paths);
        store.Save(new ConnectionInfo("Local", null, new Uri("http://127.0.0.1:5000/v3"), new Uri("http://localhost:5000/oauth2/default/v1"),
            "client-1", "ada", DateTimeOffset.UnixEpoch, Array.Empty<string>()));
        Assert.Equal("http://127.0.0.1:5000/v3", store.Get("local").ApiBaseUri.AbsoluteUri);
    }

    [Fact]
    public void The_file_is_readable_JSON_with_no_secret_members()
    {
        using var home = new TempHome();
        var store = new ConnectionStore(home.Paths);
        store.Save(Connection("Prod"));
        string json = File.ReadAllText(store.PathFor("Prod"));

        Assert.Contains("\"ClientId\": \"client-1\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("token", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_damaged_file_is_reported_and_skipped()
    {
        using var home = new TempHome();
        var store = new ConnectionStore(home.Paths);
        store.Save(Connection("Good"));
        File.WriteAllText(Path.Combine(home.Paths.Connections, "Bad.json"), "{ not json");
        string? warning = null;

        Assert.Equal(new[] { "Good" }, store.List(w => warning = w).Select(c => c.Name).ToArray());
        Assert.Contains("Bad.json", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_users_are_the_creator_and_those_added()
    {
        ConnectionInfo connection = Connection("Prod", "ada", "bob", "CONTOSO\\carol", "ada");
        Assert.Equal(new[] { "ada", "bob", "CONTOSO\\carol" }, connection.ExportUsers);
        Assert.True(connection.IsExportUser("ada"));
        Assert.True(connection.IsExportUser("bob"));
        Assert.True(connection.IsExportUser("CONTOSO\\carol"));
        Assert.False(connection.IsExportUser("mallory"));
        Assert.False(connection.IsExportUser("carol"));

        var error = Assert.Throws<ConnectionException>(() => connection.EnsureExportUser("mallory"));
        Assert.Equal(ConnectionErrorIds.ExportUserNotAllowed, error.ErrorId);
        Assert.Contains("'mallory'", error.Message, StringComparison.Ordinal);
        Assert.Contains("-ExportUser", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_name_matches_the_user_part_of_a_windows_account()
    {
        Assert.True(UserIdentity.Matches("bob", "CONTOSO\\bob"));
        Assert.False(UserIdentity.Matches("OTHER\\bob", "CONTOSO\\bob"));
        Assert.Equal(OperatingSystem.IsWindows(), UserIdentity.Matches("BOB", "bob"));
    }

    [Fact]
    public void Finds_the_exports_that_use_a_connection_reading_loosely()
    {
        using var home = new TempHome();
        Directory.CreateDirectory(home.Paths.Exports);
        File.WriteAllText(Path.Combine(home.Paths.Exports, "Weekly.json"), """{ "Name": "Weekly", "Connection": "prod", "ListId": ["x"] }""");
        File.WriteAllText(Path.Combine(home.Paths.Exports, "Daily.json"), """{ "connection": { "Name": "Prod" }, }""");
        File.WriteAllText(Path.Combine(home.Paths.Exports, "Other.json"), """{ "Name": "Other", "Connection": "Test" }""");
        File.WriteAllText(Path.Combine(home.Paths.Exports, "Broken.json"), "{");
        string? warning = null;

        Assert.Equal(new[] { "Daily", "Weekly" }, ExportReferences.Using(home.Paths, "Prod", w => warning = w).ToArray());
        Assert.Contains("Broken.json", warning, StringComparison.Ordinal);
        Assert.Empty(ExportReferences.Using(new Engine.Storage.StoragePaths(Path.Combine(home.Path, "none")), "Prod"));
    }
}
