using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Sync;
using ConstantContactExport.Engine.Tests.Sending;

namespace ConstantContactExport.Engine.Tests.Runs;

/// <summary>
/// Per-segment lists (-ListMap) through <see cref="ExportRunner"/>: each profile goes to the lists of its segments,
/// bodies are per list set, the sync compares each profile with its own lists and records each body's lists, also
/// across a resume.
/// </summary>
public sealed partial class ExportRunnerTests
{
    private const string GoldList = "1a000000-0000-4000-8000-00000000000a";
    private const string SilverList = "2b000000-0000-4000-8000-00000000000b";

    [Fact]
    public async Task Each_profile_goes_to_the_lists_of_its_segments_and_one_in_two_segments_to_both()
    {
        string csv = Csv("in.csv", Members(0, 12, "Gold"), Members(100, 7, "Silver"), new[] { "both@example.com,Both,Gold;Silver" }, Outside(2));
        ExportRunResult result = await RunFiles(new ExportRunRequest(MapDefinition()), csv);

        Assert.Equal(RunState.Completed, result.Status.State);
        Assert.Equal((20L, 2L), (result.Status.SubmittedCount, result.Status.OutOfSegmentCount));
        Dictionary<string, string[]> lists = ListsByEmail(api.AcceptedBodies);
        Assert.Equal(20, lists.Count);
        Assert.All(Enumerable.Range(0, 12), i => Assert.Equal(new[] { GoldList }, lists[$"person{i}@example.com"]));
        Assert.All(Enumerable.Range(100, 7), i => Assert.Equal(new[] { SilverList }, lists[$"person{i}@example.com"]));
        Assert.Equal(new[] { GoldList, SilverList }, lists["both@example.com"]);

        // Bodies within the bound (CC_EXPORT_BATCH_CONTACTS 10 here), each for one list set, numbered without gaps.
        Assert.Equal(new[] { 10, 2, 7, 1 }.OrderBy(n => n), result.Status.BatchContacts.OrderBy(n => n));
        Assert.Equal(result.Status.BatchCount, result.Status.BatchLists.Count);
        Assert.Equal(new ulong[] { 1, 1, 2, 3 }, result.Status.BatchLists.OrderBy(b => b));
    }

    [Fact]
    public async Task A_profile_that_moves_to_another_segment_is_sent_to_that_segments_list_and_the_rest_are_Unchanged()
    {
        await RunFiles(new ExportRunRequest(MapDefinition()), Csv("in.csv", Members(0, 12, "Gold"), Members(100, 7, "Silver")));
        int accepted = api.AcceptedBodies.Count;

        string moved = Csv("moved.csv", Members(1, 11, "Gold"), Members(100, 7, "Silver"), new[] { "person0@example.com,Name0,Silver" });
        ExportRunResult result = await RunFiles(new ExportRunRequest(MapDefinition()), moved);
        Assert.Equal((1L, 18L), (result.Status.SubmittedCount, result.Status.UnchangedCount));
        Dictionary<string, string[]> sent = ListsByEmail(api.AcceptedBodies.Skip(accepted));
        Assert.Equal(new[] { "person0@example.com" }, sent.Keys);
        Assert.Equal(new[] { SilverList }, sent["person0@example.com"]);

        // Confirmed, the mover is unchanged on its new list from now on.
        ExportRunResult again = await RunFiles(new ExportRunRequest(MapDefinition()), moved);
        Assert.Equal((0L, 19L), (again.Status.SubmittedCount, again.Status.UnchangedCount));
    }

    [Fact]
    public async Task The_state_records_each_contact_on_the_lists_of_its_own_body()
    {
        await RunFiles(new ExportRunRequest(MapDefinition()), Csv("in.csv", Members(0, 3, "Gold"), Members(100, 2, "Silver"), new[] { "both@example.com,Both,\"gold, silver\"" }));

        SyncState state = SyncStateFile.Load(StatePath())!;
        ulong gold = 1UL << state.ListIndex(Guid.Parse(GoldList));
        ulong silver = 1UL << state.ListIndex(Guid.Parse(SilverList));
        Assert.Equal(gold, Record(state, "person0@example.com").Lists);
        Assert.Equal(silver, Record(state, "person100@example.com").Lists);
        Assert.Equal(gold | silver, Record(state, "both@example.com").Lists);
    }

    [Fact]
    public async Task A_ListMap_run_stopped_after_one_import_is_resumed_and_records_every_body_with_its_lists()
    {
        string csv = Csv("in.csv", Members(0, 15, "Gold"), Members(100, 12, "Silver"));
        ExportRunResult stopped = await RunStoppedAfterOneImport(new ExportRunRequest(MapDefinition()), csv);
        Assert.NotNull(stopped.Status.Manifest.ListMap);

        // The definition changes meanwhile: the resume goes on with the map the run started with.
        ExportDefinition changed = MapDefinition();
        changed.ListMap!.Reverse();
        using (ExportRunner runner = NewRunner(new ExportRunRequest(changed)))
        {
            ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(null, CancellationToken.None)));
            Assert.Equal(RunState.Completed, resumed.Status.State);
        }

        Dictionary<string, string[]> lists = ListsByEmail(api.AcceptedBodies);
        Assert.Equal(27, lists.Count);
        Assert.All(Enumerable.Range(0, 15), i => Assert.Equal(new[] { GoldList }, lists[$"person{i}@example.com"]));
        Assert.All(Enumerable.Range(100, 12), i => Assert.Equal(new[] { SilverList }, lists[$"person{i}@example.com"]));

        SyncState state = SyncStateFile.Load(StatePath())!;
        Assert.Equal(27, state.Count);
        ulong silver = 1UL << state.ListIndex(Guid.Parse(SilverList));
        Assert.Equal(silver, Record(state, "person111@example.com").Lists);
        ExportRunResult next = await RunFiles(new ExportRunRequest(MapDefinition()), csv);
        Assert.Equal((0L, 27L), (next.Status.SubmittedCount, next.Status.UnchangedCount));
    }

    [Fact]
    public async Task A_ListMap_run_stopped_while_staging_is_staged_again_with_each_body_on_its_lists()
    {
        string csv = Csv("in.csv", Members(0, 4, "Gold"), Members(100, 3, "Silver"));
        string runId;
        using (ExportRun stopped = ExportRun.Start(paths, MapDefinition(), null, new[] { csv }, null, whatIf: false, null, time, new Engine.Import.ImportBatchLimits(MaxContacts: 10)))
        {
            runId = stopped.RunId;
            stopped.End(RunState.Stopped, "Stopped while staging.");
        }

        using ExportRunner runner = NewRunner(new ExportRunRequest(MapDefinition()));
        ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(runId, CancellationToken.None)));
        Assert.Equal(RunState.Completed, resumed.Status.State);
        Assert.Equal(new[] { SilverList }, ListsByEmail(api.AcceptedBodies)["person102@example.com"]);
        SyncState state = SyncStateFile.Load(StatePath())!;
        Assert.Equal(1UL << state.ListIndex(Guid.Parse(GoldList)), Record(state, "person3@example.com").Lists);
    }

    [Fact]
    public async Task WhatIf_tells_the_plan_per_list()
    {
        await RunFiles(new ExportRunRequest(MapDefinition()), Csv("in.csv", Members(0, 5, "Gold")));
        observer.Answer = false;
        ExportRunResult whatIf = await RunFiles(
            new ExportRunRequest(MapDefinition()) { WouldAskBeforeSending = true },
            Csv("more.csv", Members(0, 6, "Gold"), Members(100, 2, "Silver"), new[] { "both@example.com,Both,Gold;Silver" }));
        Assert.Equal(RunState.WhatIf, whatIf.Status.State);
        Assert.Equal(
            "Send 4 contacts in 3 import(s); 5 unchanged since the last sync are not sent; per list: 'Gold customers' 2 to send, 5 unchanged; 'Silver customers' 3 to send, 0 unchanged",
            observer.LastAction);
        Assert.Contains("per list: 'Gold customers' 2 to send, 5 unchanged", whatIf.Status.Message, StringComparison.Ordinal);
    }

    private static ExportDefinition MapDefinition()
    {
        ExportDefinition definition = Definition();
        definition.ListIds = new() { GoldList, SilverList };
        definition.ListNames = new() { "Gold customers", "Silver customers" };
        definition.Segments = new() { "Gold", "Silver" };
        definition.ListMap = new()
        {
            new ListMapEntry { Segment = "Gold", ListId = GoldList, ListName = "Gold customers" },
            new ListMapEntry { Segment = "Silver", ListId = SilverList, ListName = "Silver customers" },
        };
        return definition;
    }

    private static IEnumerable<string> Members(int from, int count, string segment) =>
        Enumerable.Range(from, count).Select(i => $"person{i}@example.com,Name{i},{segment}");

    private static SyncRecord Record(SyncState state, string email)
    {
        Assert.True(state.TryFind(SyncKey.For(email), out SyncRecord record), email);
        return record;
    }

    /// <summary>Each email of the bodies with the list_ids of its body (sorted); an email sent twice fails the test.</summary>
    private static Dictionary<string, string[]> ListsByEmail(IEnumerable<string> bodies)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (string body in bodies)
        {
            string[] lists = Regex.Match(body, "\"list_ids\":\\[([^\\]]*)\\]").Groups[1].Value
                .Split(',').Select(l => l.Trim('"')).OrderBy(l => l, StringComparer.Ordinal).ToArray();
            foreach (Match email in Regex.Matches(body, "\"email\":\"([^\"]+)\""))
            {
                result.Add(email.Groups[1].Value, lists);
            }
        }

        return result;
    }
}
