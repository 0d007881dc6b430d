using System;
using System.IO;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Tests.Storage;

public sealed class ListNameCacheTests
{
    [Fact]
    public void Saves_names_per_connection_and_reads_them_back_sorted_without_duplicates()
    {
        using var temp = new TempFolder();
        var cache = new ListNameCache(new StoragePaths(temp.Path));
        cache.Save("prod", new[] { "Newsletter", "VIP customers", "newsletter", " ", "Alpha" });
        cache.Save("sandbox", new[] { "Test list" });

        Assert.Equal(new[] { "Alpha", "Newsletter", "VIP customers" }, cache.Load("prod"));
        Assert.Equal(new[] { "Alpha", "Newsletter", "VIP customers" }, cache.Load("PROD"));
        Assert.Equal(new[] { "Test list" }, cache.Load("sandbox"));
        Assert.Equal(new[] { "Alpha", "Newsletter", "Test list", "VIP customers" }, cache.LoadAll());
        Assert.Equal(Path.Combine(temp.Path, "cache", "lists-prod.json"), cache.PathOf("Prod"));
    }

    [Fact]
    public void Replaces_the_previous_names()
    {
        using var temp = new TempFolder();
        var cache = new ListNameCache(new StoragePaths(temp.Path));
        cache.Save("prod", new[] { "Old" });
        cache.Save("prod", new[] { "New" });
        Assert.Equal(new[] { "New" }, cache.Load("prod"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ not json")]
    [InlineData("[\"a\"]")]
    [InlineData("{\"names\": 5}")]
    public void A_missing_or_damaged_cache_reads_as_no_names(string content)
    {
        using var temp = new TempFolder();
        var cache = new ListNameCache(new StoragePaths(temp.Path));
        Assert.Empty(cache.Load("prod"));
        Assert.Empty(cache.LoadAll());
        Directory.CreateDirectory(cache.Folder);
        File.WriteAllText(cache.PathOf("prod"), content);
        Assert.Empty(cache.Load("prod"));
        Assert.Empty(cache.LoadAll());
    }

    [Fact]
    public void An_unusable_connection_name_loads_nothing_and_cannot_be_saved()
    {
        using var temp = new TempFolder();
        var cache = new ListNameCache(new StoragePaths(temp.Path));
        Assert.Empty(cache.Load("../prod"));
        Assert.Throws<ArgumentException>(() => cache.Save("../prod", new[] { "x" }));
    }
}
