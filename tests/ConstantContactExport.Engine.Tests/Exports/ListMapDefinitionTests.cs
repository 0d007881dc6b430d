using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Exports;

/// <summary>
/// -ListMap in a definition: the checks of the map as given, how it goes with -ListId, -ListName and -Segment, the
/// lists resolved and created against the account, and the file (SchemaVersion 2 only with a map).
/// </summary>
public sealed class ListMapDefinitionTests
{
    private const string GoldId = "1a000000-0000-4000-8000-00000000000a";
    private const string SilverId = "2b000000-0000-4000-8000-00000000000b";

    private static IReadOnlyList<KeyValuePair<string, string>> Parse(params (string Segment, string? List)[] map) =>
        ExportDefinitionBuilder.ParseListMap(map.Select(e => new KeyValuePair<string, string?>(e.Segment, e.List)));

    [Theory]
    [InlineData("ListMapEmpty")]
    [InlineData("ListMapSegmentDuplicate", "Gold", "Gold customers", " GOLD ", "Other")]
    [InlineData("ListMapInvalid", "Gold", null)]
    [InlineData("ListMapInvalid", "Gold", "  ")]
    [InlineData("ListMapInvalid", "  ", "Gold customers")]
    [InlineData("ListMapInvalid", "Gold;Silver", "Gold customers")]
    public void A_bad_map_is_refused_with_its_ErrorId(string errorId, params string?[] pairs)
    {
        var map = Enumerable.Range(0, pairs.Length / 2).Select(i => (pairs[2 * i]!, pairs[(2 * i) + 1])).ToArray();
        var ex = Assert.Throws<ExportSetupException>(() => Parse(map));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(ExportSetupProblem.InvalidArgument, ex.Problem);
    }

    [Fact]
    public void The_maps_segments_become_the_exports_and_it_goes_with_no_other_list_or_segment_parameter()
    {
        var definition = new ExportDefinition { Name = "tiers", Segments = new() { "Old" } };
        IReadOnlyList<KeyValuePair<string, string>> map = Parse((" Gold ", " Gold customers "), ("Silver", SilverId));
        Assert.Equal(new[] { "Gold customers", SilverId }, map.Select(e => e.Value));

        ExportDefinitionBuilder.SetListMap(definition, map, listsGiven: false, segmentsGiven: false);
        Assert.Equal(new[] { "Gold", "Silver" }, definition.Segments);

        Assert.Equal("ListMapConflict", Assert.Throws<ExportSetupException>(() => ExportDefinitionBuilder.SetListMap(definition, map, true, false)).ErrorId);
        Assert.Equal("ListMapConflict", Assert.Throws<ExportSetupException>(() => ExportDefinitionBuilder.SetListMap(definition, map, false, true)).ErrorId);

        // -Segment alone on an export with a map is refused; with -ListName it replaces the map.
        definition.ListMap = new() { new ListMapEntry { Segment = "Gold", ListId = GoldId } };
        Assert.Equal("ListMapConflict", Assert.Throws<ExportSetupException>(() => ExportDefinitionBuilder.CheckSegmentsOfMap(definition, false, true)).ErrorId);
        ExportDefinitionBuilder.CheckSegmentsOfMap(definition, true, true);
    }

    [Fact]
    public async Task Each_segments_list_is_resolved_by_id_or_name_and_a_missing_name_is_created_with_CreateList()
    {
        (ExportAccountSetup setup, FakeHttpHandler handler) = Over(r =>
            IsGet(r, "contact_lists/" + GoldId) ? Json(ListJson(GoldId, "Gold customers"))
            : IsGet(r, "contact_lists") && r.Uri.Query.Contains("name=silver", StringComparison.OrdinalIgnoreCase) ? Json($"{{\"lists\":[{ListJson(SilverId, "Silver customers")}]}}")
            : IsGet(r, "contact_lists") ? Json("{\"lists\":[]}")
            : r.Method == HttpMethod.Post ? Json(ListJson("3c000000-0000-4000-8000-00000000000c", "Bronze customers"), HttpStatusCode.Created)
            : throw new InvalidOperationException("unexpected " + r.Uri));
        var definition = new ExportDefinition { Name = "tiers", EmailField = "Email", ListIds = new() { "9d000000-0000-4000-8000-00000000000d" } };
        IReadOnlyList<KeyValuePair<string, string>> map = Parse(("Gold", GoldId), ("Silver", "silver customers"), ("Bronze", "Bronze customers"), ("Platinum", GoldId));
        ExportDefinitionBuilder.SetListMap(definition, map, false, false);

        ExportAccountPlan plan = await setup.PlanAsync(definition, null, null, createLists: true, createCustomFields: false, CancellationToken.None, map);
        Assert.Equal(new[] { "Bronze customers" }, plan.ListsToCreate);
        await setup.ApplyAsync(definition, plan, CancellationToken.None);

        Assert.Equal(new[] { GoldId, SilverId, "3c000000-0000-4000-8000-00000000000c" }, definition.ListIds);
        Assert.Equal(new[] { "Gold customers", "Silver customers", "Bronze customers" }, definition.ListNames);
        Assert.Equal(
            new[] { ("Gold", GoldId), ("Silver", SilverId), ("Bronze", "3c000000-0000-4000-8000-00000000000c"), ("Platinum", GoldId) },
            definition.ListMap!.Select(e => (e.Segment, e.ListId)));
        Assert.Single(handler.Requests, r => r.Method == HttpMethod.Post);
        Assert.Null(ExportDefinitionStore.CheckListMap(definition));
    }

    [Fact]
    public async Task A_missing_list_without_CreateList_and_more_than_50_lists_are_refused()
    {
        (ExportAccountSetup setup, _) = Over(r =>
            IsGet(r, "contact_lists") ? Json("{\"lists\":[]}")
            : r.Uri.AbsolutePath.StartsWith("/v3/contact_lists/", StringComparison.Ordinal) ? Json("[]", HttpStatusCode.NotFound)
            : throw new InvalidOperationException("unexpected " + r.Uri));
        var definition = new ExportDefinition { Name = "tiers" };

        var missing = await Assert.ThrowsAsync<ExportSetupException>(() => setup.PlanAsync(definition, null, null, false, false, CancellationToken.None, Parse(("Gold", "Gold customers"))));
        Assert.Equal(("ListNotFound", ExportSetupProblem.NotFound), (missing.ErrorId, missing.Problem));
        Assert.Contains("-CreateList", missing.Message, StringComparison.Ordinal);

        var noId = await Assert.ThrowsAsync<ExportSetupException>(() => setup.PlanAsync(definition, null, null, true, false, CancellationToken.None, Parse(("Gold", GoldId))));
        Assert.Equal("ListNotFound", noId.ErrorId);

        var many = Enumerable.Range(0, 51).Select(i => ($"s{i}", (string?)$"List {i}")).ToArray();
        var tooMany = await Assert.ThrowsAsync<ExportSetupException>(() => setup.PlanAsync(definition, null, null, true, false, CancellationToken.None, Parse(many)));
        Assert.Equal("TooManyLists", tooMany.ErrorId);
    }

    [Fact]
    public void A_definition_with_a_map_is_saved_as_SchemaVersion_2_and_one_without_as_1_and_both_load()
    {
        using var temp = new TempFolder();
        var store = new ExportDefinitionStore(new StoragePaths(temp.Path));
        ExportDefinition plain = Sample("plain");
        store.Save(plain);
        Assert.Contains("\"SchemaVersion\": 1", File.ReadAllText(store.PathOf("plain")), StringComparison.Ordinal);
        Assert.Null(store.Get("plain")!.ListMap);

        ExportDefinition mapped = Sample("mapped");
        mapped.ListIds = new() { GoldId, SilverId };
        mapped.Segments = new() { "Gold", "Silver" };
        mapped.ListMap = new() { new ListMapEntry { Segment = "Gold", ListId = GoldId, ListName = "Gold customers" }, new ListMapEntry { Segment = "Silver", ListId = SilverId } };
        store.Save(mapped);
        string json = File.ReadAllText(store.PathOf("mapped"));
        Assert.Contains("\"SchemaVersion\": 2", json, StringComparison.Ordinal);
        ExportDefinition read = store.Get("mapped")!;
        Assert.Equal(new[] { ("Gold", GoldId), ("Silver", SilverId) }, read.ListMap!.Select(e => (e.Segment, e.ListId)));

        // A map in a version 1 file, or one that does not agree with the lists and segments, cannot be used.
        File.WriteAllText(store.PathOf("mapped"), json.Replace("\"SchemaVersion\": 2", "\"SchemaVersion\": 1", StringComparison.Ordinal));
        Assert.Contains("SchemaVersion 2", Assert.Throws<ExportDefinitionException>(() => store.Get("mapped")).Message, StringComparison.Ordinal);
        File.WriteAllText(store.PathOf("mapped"), json.Replace("\"Segment\": \"Silver\"", "\"Segment\": \"Bronze\"", StringComparison.Ordinal));
        Assert.Contains("Segments", Assert.Throws<ExportDefinitionException>(() => store.Get("mapped")).Message, StringComparison.Ordinal);
        File.WriteAllText(store.PathOf("mapped"), json.Replace("\"SchemaVersion\": 2", "\"SchemaVersion\": 3", StringComparison.Ordinal));
        Assert.Throws<ExportDefinitionException>(() => store.Get("mapped"));
    }

    private static ExportDefinition Sample(string name) => new()
    {
        Name = name,
        Connection = "prod",
        ListIds = new() { GoldId },
        EmailField = "Email",
        Segments = new() { "VIP" },
        SegmentField = "Segments",
    };

    private static string ListJson(string id, string name) => $"{{\"list_id\":\"{id}\",\"name\":\"{name}\",\"membership_count\":0}}";

    private static (ExportAccountSetup Setup, FakeHttpHandler Handler) Over(Func<RecordedRequest, HttpResponseMessage> responder)
    {
        var handler = new FakeHttpHandler(responder);
        var api = new ConstantContactApi(new HttpClient(handler), new Uri("http://127.0.0.1:1/v3"), new FakeTimeProvider(), new Random(1));
        return (new ExportAccountSetup(api), handler);
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) => FakeHttpHandler.Json(status, json);

    private static bool IsGet(RecordedRequest r, string path) => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == "/v3/" + path;
}
