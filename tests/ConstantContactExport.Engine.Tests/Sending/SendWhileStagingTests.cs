using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Sending;

/// <summary>
/// A run that sends each body as soon as it is staged: what it journals, how it stops, and how a run killed
/// before it was staged is staged again and resumed without sending anything twice.
/// </summary>
public sealed class SendWhileStagingTests : IDisposable
{
    private static readonly ImportBatchLimits TenAContact = new(MaxContacts: 10);

    private readonly TempFolder temp = new();
    private readonly TimerClock time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly StoragePaths paths;
    private readonly FakeImportApi api;
    private readonly List<SenderEvent> events = new();

    public SendWhileStagingTests()
    {
        paths = new StoragePaths(temp.Path);
        api = new FakeImportApi(time);
    }

    public void Dispose() => temp.Dispose();

    private static ExportDefinition Definition { get; } = new()
    {
        Name = "news",
        Connection = "c",
        ListIds = new() { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a" },
        EmailField = "Email",
        Segments = new() { "VIP" },
    };

    [Fact]
    public async Task Sends_each_body_while_staging_goes_on_with_its_fingerprint_journaled_first()
    {
        using ExportRun run = Start();
        Task<RunState> sending = SendWhileStaging(run);

        Stage(run, 0, 25);
        await Until(() => api.Activities.Count == 2);
        Assert.False(run.Status.IsStaged);

        // Bodies sent while staging stay until the run is staged (the staging checks their fingerprints).
        var sentHashes = new[] { 1, 2 }.ToDictionary(b => b, b => BodyHash.Of(run.Folder + "/batches/" + DirectoryBatchSink.FileName(b)));
        run.CompleteStaging();
        Assert.Equal(RunState.Completed, await Drive(sending));
        Assert.Empty(System.IO.Directory.Exists(run.Folder + "/batches") ? System.IO.Directory.GetFiles(run.Folder + "/batches") : Array.Empty<string>());

        RunStatus status = new RunStore(paths).Load(run.RunId)!;
        Assert.Equal(3, status.BatchCount);
        Assert.Equal(3, status.ActivityIds.Distinct().Count());
        Assert.Equal(new[] { 1, 2, 3 }, api.Activities.Select(a => int.Parse(a.Body.Substring(a.Body.Length - 10, 5))));

        List<JournalEntry> journal = RunJournal.Read(run.Folder);
        int staged = journal.FindIndex(e => e.Type == JournalEntryType.Staged);
        foreach (int batch in new[] { 1, 2 })
        {
            int fingerprint = journal.FindIndex(e => e.Type == JournalEntryType.BatchStaged && e.Batch == batch);
            int post = journal.FindIndex(e => e.Type == JournalEntryType.Sending && e.Batch == batch);
            Assert.True(fingerprint >= 0 && fingerprint < post && post < staged, $"batch {batch}: fingerprint {fingerprint}, Sending {post}, Staged {staged}");
            Assert.Equal(sentHashes[batch], journal[fingerprint].BodyHash);
        }

        // Once staged, a run is never staged again: no fingerprint follows the Staged entry.
        Assert.DoesNotContain(journal.Skip(staged), e => e.Type == JournalEntryType.BatchStaged);
        Assert.Contains(events, e => e.Message.Contains("submitted while staging goes on"));
    }

    [Fact]
    public async Task At_a_quota_stop_it_sends_nothing_more_but_the_run_is_staged_whole_and_resumes()
    {
        api.Script.Enqueue(PostBehaviour.Accept);
        api.Script.Enqueue(PostBehaviour.QuotaExceeded);
        using (ExportRun run = Start())
        {
            Task<RunState> sending = SendWhileStaging(run);
            Stage(run, 0, 45);
            await Until(() => api.RequestCount == 2);
            run.CompleteStaging();
            Assert.Equal(RunState.Stopped, await Drive(sending));
            Assert.Equal(2, api.RequestCount);
            Assert.True(run.Status.IsStaged);
            Assert.Equal(5, run.Status.BatchCount);
            Assert.True(run.Status.IsUnfinished);

            // The State entry comes after Staged: a resume sees a staged run.
            List<JournalEntry> journal = RunJournal.Read(run.Folder);
            Assert.True(journal.FindIndex(e => e.Type == JournalEntryType.State) > journal.FindIndex(e => e.Type == JournalEntryType.Staged));
        }

        using ExportRun resumed = ExportRun.OpenForResume(paths, "news", null, time)!;
        Assert.Equal(RunState.Completed, await Drive(resumed.SendAsync(api, noWait: false, events.Add, CancellationToken.None)));
        Assert.Equal(5, api.Activities.Count);
        Assert.Equal(5, resumed.Status.ActivityIds.Distinct().Count());
    }

    [Fact]
    public async Task Stops_before_a_body_that_would_take_the_run_past_MaxProfiles()
    {
        using ExportRun run = Start();
        Task<RunState> sending = SendWhileStaging(run, maxContacts: 15);
        Stage(run, 0, 25);
        run.CompleteStaging();
        Assert.Equal(RunState.Failed, await Drive(sending));
        Assert.Single(api.Activities);
        Assert.Contains("MaxProfiles (15)", run.Status.Message);
        Assert.Contains("10 contacts in 1 import(s) had already been sent", run.Status.Message);
    }

    [Fact]
    public async Task Past_MaxRejectPercent_after_bodies_went_out_the_run_fails_and_says_what_was_sent()
    {
        using ExportRun run = Start();
        var limits = new RunLimits(1_000_000, 10, run.Staging.Ledger);
        run.FeedBatchesAsStaged();
        Task<RunState> sending = run.SendWhileStagingAsync(api, limits, noWait: false, events.Add, CancellationToken.None);
        Stage(run, 0, 21);
        await Until(() => api.Activities.Count == 2);

        // The rest of the input is bad: the share crosses the limit, and the body staged after that is held back.
        StageBad(run, 10);
        Stage(run, 21, 30);
        limits.Verdict = limits.Check(run.Staging.Ledger);
        run.CompleteStaging();

        Assert.Equal(RunState.Failed, await Drive(sending));
        Assert.Equal(RunBreach.RejectLimitExceeded, limits.Verdict!.ErrorId);
        Assert.Equal(2, api.Activities.Count);
        Assert.Contains("20 contacts in 2 import(s) had already been sent", run.Status.Message);
        Assert.Equal(2, run.Status.ActivityIds.Count);
    }

    [Fact]
    public async Task Bodies_held_back_while_the_reject_share_is_over_go_out_when_the_whole_run_is_within_it()
    {
        using ExportRun run = Start();
        var limits = new RunLimits(1_000_000, 10, run.Staging.Ledger);
        run.FeedBatchesAsStaged();
        Task<RunState> sending = run.SendWhileStagingAsync(api, limits, noWait: false, events.Add, CancellationToken.None);
        StageBad(run, 2);
        Stage(run, 0, 10);
        Assert.True(limits.Hold());
        Stage(run, 10, 40);
        limits.Verdict = limits.Check(run.Staging.Ledger);
        Assert.Null(limits.Verdict);
        run.CompleteStaging();

        Assert.Equal(RunState.Completed, await Drive(sending));
        Assert.Equal(4, api.Activities.Count);
        Assert.Equal(new[] { 1, 2, 3, 4 }, api.Activities.Select(a => int.Parse(a.Body.Substring(a.Body.Length - 10, 5))));
    }

    [Fact]
    public async Task Killed_before_it_was_staged_it_is_staged_again_and_sends_only_what_was_not_sent()
    {
        string runId = await StopAfterTwoBatches();

        using ExportRun resumed = ExportRun.OpenForResume(paths, "news", runId, time)!;
        Assert.False(resumed.Status.IsStaged);
        Assert.True(resumed.Status.AnySent);

        // The bounds the run started with (in run.json), not the ones of the resuming process.
        resumed.RestartStaging(Definition, ImportBatchLimits.Default);
        Stage(resumed, 0, 25);
        resumed.CompleteStaging();
        Assert.Equal(RunState.Completed, await Drive(resumed.SendAsync(api, noWait: false, events.Add, CancellationToken.None)));
        Assert.Equal(3, api.Activities.Count);
        Assert.Equal(3, resumed.Status.ActivityIds.Distinct().Count());
        Assert.Equal(30, resumed.Status.ImportedCount);
    }

    [Fact]
    public async Task Staged_again_from_changed_input_it_refuses_to_send_anything_more()
    {
        string runId = await StopAfterTwoBatches();

        using ExportRun resumed = ExportRun.OpenForResume(paths, "news", runId, time)!;
        resumed.RestartStaging(Definition, TenAContact);
        Stage(resumed, 1, 25); // the first profile is gone: every body is different
        var ex = Assert.Throws<RunSourceChangedException>(() => resumed.CompleteStaging());
        Assert.Equal(1, ex.Batch);
        Assert.Contains("had accepted 2 of its batches", ex.Message);
        Assert.Equal(2, api.Activities.Count);
    }

    /// <summary>A run that sent two bodies while staging and was stopped (Ctrl+C) before staging ended.</summary>
    private async Task<string> StopAfterTwoBatches()
    {
        using ExportRun run = Start();
        using var stop = new CancellationTokenSource();
        Task<RunState> sending = SendWhileStaging(run, stop.Token);
        Stage(run, 0, 25);
        await Until(() => api.Activities.Count == 2);
        stop.Cancel();
        run.AbandonFeed();
        Assert.Equal(RunState.Stopped, await Drive(sending));
        Assert.Contains("stages the files again", run.Status.Message);
        Assert.False(run.Status.IsStaged);
        return run.RunId;
    }

    /// <summary>Starts sending the run's bodies as its staging finishes them.</summary>
    private Task<RunState> SendWhileStaging(ExportRun run, CancellationToken cancellationToken = default, long maxContacts = 1_000_000)
    {
        run.FeedBatchesAsStaged();
        return run.SendWhileStagingAsync(api, new RunLimits(maxContacts, 100), noWait: false, events.Add, cancellationToken);
    }

    private ExportRun Start() =>
        ExportRun.Start(paths, Definition, new[] { "VIP" }, new[] { temp.File("in.csv") }, null, whatIf: false, "tester", time, TenAContact);

    private static void Stage(ExportRun run, int from, int to)
    {
        ProfileRecord record = run.Staging.NewRecord();
        for (int i = from; i < to; i++)
        {
            record.Reset();
            record.RecordNumber = i + 1;
            record.Values[run.Staging.Mapping.EmailIndex] = SourceValue.FromText($"person{i}@example.com");
            run.Staging.Add(record, out _);
        }
    }

    private static void StageBad(ExportRun run, int count)
    {
        ProfileRecord record = run.Staging.NewRecord();
        for (int i = 0; i < count; i++)
        {
            record.Reset();
            record.Values[run.Staging.Mapping.EmailIndex] = SourceValue.FromText("not-an-address");
            run.Staging.Add(record, out _);
        }
    }

    /// <summary>Waits for the sender to get there by itself (the clock stands still); real time only bounds the wait.</summary>
    private static async Task Until(Func<bool> condition)
    {
        var guard = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(guard.Elapsed < TimerClock.HangGuard, "not so within the hang guard");
            await Task.Delay(1);
        }
    }

    private async Task<RunState> Drive(Task<RunState> task)
    {
        await time.DriveAsync(task);
        return await task;
    }
}
