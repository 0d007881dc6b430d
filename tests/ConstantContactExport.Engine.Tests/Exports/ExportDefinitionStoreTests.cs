using System;
using System.Collections.Generic;
using System.IO;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Tests.Exports;

public sealed class ExportDefinitionStoreTests
{
    private static ExportDefinition Sample(string name = "newsletter") => new()
    {
        Name = name,
        Connection = "prod",
        ListIds = new() { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a" },
        EmailField = "Email",
        Attributes = new(StringComparer.OrdinalIgnoreCase) { ["cf:tier"] = "Tier" },
        Segments = new() { "VIP" },
        SegmentField = "Segments",
    };

    [Fact]
    public void Saves_readable_json_and_reads_it_back()
    {
        using var temp = new TempFolder();
        var store = new ExportDefinitionStore(new StoragePaths(temp.Path));
        store.Save(Sample());
        string json = File.ReadAllText(store.PathOf("newsletter"));
        Assert.Contains("\n  \"Name\": \"newsletter\"", json);
        Assert.DoesNotContain("token", json, StringComparison.OrdinalIgnoreCase);
        ExportDefinition read = store.Get("NEWSLETTER")!;
        Assert.Equal("Tier", read.Attributes["CF:TIER"]);
        Assert.Equal(new[] { "newsletter" }, store.Names());
        Assert.True(store.Remove("newsletter"));
        Assert.Null(store.Get("newsletter"));
    }

    [Fact]
    public void A_new_name_that_lower_cases_like_an_existing_one_is_refused_and_the_same_name_in_another_case_is_the_same_export()
    {
        using var temp = new TempFolder();
        var store = new ExportDefinitionStore(new StoragePaths(temp.Path));
        store.Save(Sample("Kiosk"));

        // U+212A KELVIN SIGN lower-cases to k, as K does, yet the two names are not equal without regard to case.
        var ex = Assert.Throws<ArgumentException>(() => store.Save(Sample("\u212Aiosk")));
        Assert.Contains("'Kiosk'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("U+212A at position 1", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => store.CheckNewName("\u212AIOSK"));
        Assert.Equal(new[] { "Kiosk" }, store.Names());

        store.CheckNewName("KIOSK");
        store.Save(Sample("kiosk"));
        Assert.Single(store.Names());
        store.CheckNewName("kiosks");
    }

    [Fact]
    public void Every_spelling_of_a_name_that_compares_equal_has_one_folder_and_one_lock()
    {
        // Red team (f1): final and medial sigma lower-case apart but upper-case alike, as names compare.
        using var temp = new TempFolder();
        var paths = new StoragePaths(temp.Path);
        Assert.Equal(SyncStateLocation.FolderOf(paths, "\u03A0\u03B5\u03BB\u03B1\u03C4\u03B5\u03C2"), SyncStateLocation.FolderOf(paths, "\u03A0\u0395\u039B\u0391\u03A4\u0395\u03A3"));
        Assert.Equal("news", SafeName.FileKey("NeWs", "export"));
        using (RunRetention.LockExport(paths, "\u03A0\u03B5\u03BB\u03B1\u03C4\u03B5\u03C2"))
        {
            Assert.Throws<ExportRunningException>(() => RunRetention.LockExport(paths, "\u03A0\u0395\u039B\u0391\u03A4\u0395\u03A3"));
        }
    }

    [Fact]
    public void Removing_one_of_two_exports_that_share_a_folder_leaves_the_folder_to_the_other()
    {
        // Red team (f2): a pair made by hand (or before such names were refused) shares exports/kiosk/.
        using var temp = new TempFolder();
        var paths = new StoragePaths(temp.Path);
        var store = new ExportDefinitionStore(paths);
        store.Save(Sample("kiosk"));
        File.WriteAllText(Path.Combine(paths.Exports, "\u212Aiosk.json"), File.ReadAllText(store.PathOf("kiosk")).Replace("\"kiosk\"", "\"\u212Aiosk\"", StringComparison.Ordinal));
        string folder = SyncStateLocation.FolderOf(paths, "kiosk");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "sync.state"), "kiosk's");

        Assert.Equal("kiosk", store.SharingFiles("\u212Aiosk"));
        ExportRemoval.Remove(paths, "\u212Aiosk", TimeProvider.System);

        Assert.True(File.Exists(Path.Combine(folder, "sync.state")));
        Assert.Equal(new[] { "kiosk" }, store.Names());
        Assert.Null(store.SharingFiles("kiosk"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("con")]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData(" padded")]
    [InlineData("LPT1.txt")]
    public void Unsafe_names_are_refused(string name)
    {
        using var temp = new TempFolder();
        var store = new ExportDefinitionStore(new StoragePaths(temp.Path));
        Assert.Throws<ArgumentException>(() => store.Save(Sample(name)));
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("null", "empty")]
    [InlineData("{\"SchemaVersion\":1,\"Name\":\"other\"}", "file name")]
    [InlineData("{\"SchemaVersion\":1,\"Name\":\"bad\",\"Connection\":\"c\",\"ListIds\":[\"nope\"],\"EmailField\":\"E\",\"Segments\":[\"s\"]}", "UUID")]
    [InlineData("{\"SchemaVersion\":1,\"Name\":\"bad\",\"Connection\":\"c\",\"ListIds\":[\"04fe9a97-a579-43c5-bb1a-58ed29bf0a6a\"],\"EmailField\":\"E\",\"Segments\":[]}", "segment")]
    [InlineData("{\"SchemaVersion\":1,\"Name\":\"bad\",\"Connection\":\"c\",\"ListIds\":[\"04fe9a97-a579-43c5-bb1a-58ed29bf0a6a\"],\"EmailField\":\"E\",\"Segments\":[\"s\"],\"Attributes\":{\"jobtitle\":\"T\"}}", "jobtitle")]
    public void A_hand_edited_file_that_is_not_valid_names_the_file(string content, string expected)
    {
        using var temp = new TempFolder();
        var paths = new StoragePaths(temp.Path);
        Directory.CreateDirectory(paths.Exports);
        string path = Path.Combine(paths.Exports, "bad.json");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<ExportDefinitionException>(() => new ExportDefinitionStore(paths).Get("bad"));
        Assert.Contains(path, ex.Message);
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Atomic_write_replaces_the_whole_file()
    {
        using var temp = new TempFolder();
        string path = temp.File("a.json");
        AtomicFile.WriteAllText(path, new string('x', 10_000));
        AtomicFile.WriteAllText(path, "short");
        Assert.Equal("short", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }
}
