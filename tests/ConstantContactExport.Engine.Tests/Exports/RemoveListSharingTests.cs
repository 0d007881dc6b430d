using System;
using System.Collections.Generic;
using System.IO;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Tests.Exports;

public sealed class RemoveListSharingTests
{
    private const string Gold = "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a";
    private const string Silver = "a1b2c3d4-0000-4000-8000-000000000002";

    private static ExportDefinition Export(string name, bool removeMissing, string connection = "prod", string listId = Gold, string listName = "Gold") => new()
    {
        Name = name,
        Connection = connection,
        ListIds = new() { listId },
        ListNames = new() { listName },
        EmailField = "Email",
        Segments = new() { "VIP" },
        RemoveMissing = removeMissing,
    };

    [Fact]
    public void Two_remove_missing_exports_on_one_list_id_are_refused_naming_both_and_the_list()
    {
        using var temp = new TempFolder();
        var store = new ExportDefinitionStore(new StoragePaths(temp.Path));
        store.Save(Export("first", removeMissing: true));

        ExportSetupException ex = Assert.Throws<ExportSetupException>(() => RemoveListSharing.Check(store, Export("second", removeMissing: true, listName: "gold")));

        Assert.Equal(RemoveListSharing.ErrorId, ex.ErrorId);
        Assert.Equal(ExportSetupProblem.InvalidOperation, ex.Problem);
        Assert.Contains("'second'", ex.Message);
        Assert.Contains("'first'", ex.Message);
        Assert.Contains(Gold, ex.Message);
        Assert.Contains("-RemoveMissing:$false", ex.Message);
    }

    [Theory]
    [InlineData("04fe9a97a57943c5bb1a58ed29bf0a6a")]
    [InlineData("{04fe9a97-a579-43c5-bb1a-58ed29bf0a6a}")]
    [InlineData(" 04FE9A97-A579-43C5-BB1A-58ED29BF0A6A")]
    public void A_list_id_spelled_another_way_is_the_same_list(string spelled)
    {
        // A definition edited by hand; names that do not match and another connection, so only the id can tell.
        using var temp = new TempFolder();
        var store = new ExportDefinitionStore(new StoragePaths(temp.Path));
        store.Save(Export("first", removeMissing: true));

        RemoveListConflict? conflict = RemoveListSharing.Find(store, Export("second", removeMissing: true, connection: "other", listId: spelled, listName: "Renamed"));

        Assert.Equal("first", conflict?.OtherExport);
    }

    [Fact]
    public void A_list_name_still_to_create_that_another_remove_missing_export_has_is_refused_on_the_same_connection_only()
    {
        using var temp = new TempFolder();
        var store = new ExportDefinitionStore(new StoragePaths(temp.Path));
        store.Save(Export("first", removeMissing: true));
        ExportDefinition second = Export("second", removeMissing: true, listId: Silver, listName: "Silver");
        second.ListIds.Clear();
        second.ListNames.Clear();

        Assert.NotNull(RemoveListSharing.Find(store, second, new[] { " GOLD " }));
        second.Connection = "other";
        Assert.Null(RemoveListSharing.Find(store, second, new[] { "Gold" }));
    }

    [Fact]
    public void A_list_id_is_compared_across_connections_and_per_segment_lists_count()
    {
        using var temp = new TempFolder();
        var store = new ExportDefinitionStore(new StoragePaths(temp.Path));
        ExportDefinition mapped = Export("mapped", removeMissing: true, connection: "second-login", listId: Silver, listName: "Silver");
        mapped.ListIds.Add(Gold);
        mapped.ListNames.Add("Gold");
        mapped.Segments = new() { "VIP", "Lapsed" };
        mapped.ListMap = new() { new ListMapEntry { Segment = "VIP", ListId = Silver, ListName = "Silver" }, new ListMapEntry { Segment = "Lapsed", ListId = Gold, ListName = "Gold" } };
        store.Save(mapped);

        RemoveListConflict? conflict = RemoveListSharing.Find(store, Export("plain", removeMissing: true, listName: "Renamed"));

        Assert.NotNull(conflict);
        Assert.Equal("mapped", conflict!.OtherExport);
    }

    [Fact]
    public void Sharing_is_allowed_when_either_export_has_no_remove_missing_and_a_damaged_definition_is_passed_over()
    {
        using var temp = new TempFolder();
        var paths = new StoragePaths(temp.Path);
        var store = new ExportDefinitionStore(paths);
        store.Save(Export("plain", removeMissing: false));
        File.WriteAllText(Path.Combine(paths.Exports, "broken.json"), "{ not json");

        Assert.Null(RemoveListSharing.Find(store, Export("sync", removeMissing: true)));
        store.Save(Export("sync", removeMissing: true));
        Assert.Null(RemoveListSharing.Find(store, Export("plain", removeMissing: false)));

        // The export itself, saved again under another case of its name, is not "another export".
        Assert.Null(RemoveListSharing.Find(store, Export("SYNC", removeMissing: true)));
    }
}
