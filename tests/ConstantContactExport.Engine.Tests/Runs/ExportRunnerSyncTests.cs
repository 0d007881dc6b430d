using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Sync;
using ConstantContactExport.Engine.Tests.Sending;

namespace ConstantContactExport.Engine.Tests.Runs;

/// <summary>
/// Incremental runs through <see cref="ExportRunner"/>: what the sync state lets a run leave unsent (UnchangedCount),
/// what -Full sends, and that the state records only what Constant Contact confirmed, also across a resume.
/// </summary>
public sealed partial class ExportRunnerTests
{
    [Fact]
    public async Task A_second_run_of_the_same_input_sends_nothing_and_counts_every_sent_profile_Unchanged()
    {
        string csv = Csv("in.csv", Good(0, 25), Bad("nope", 1), Good(0, 2), Outside(3));
        ExportRunResult first = await RunFiles(new ExportRunRequest(Definition()), csv);
        Assert.Equal(RunState.Completed, first.Status.State);
        Assert.Equal(25, first.Status.SubmittedCount);
        Assert.Equal(0, first.Status.UnchangedCount);
        int posts = api.Posts;

        ExportRunResult second = await RunFiles(new ExportRunRequest(Definition()), csv);
        Assert.Null(second.Failure);
        Assert.Equal(RunState.Completed, second.Status.State);
        Assert.Equal(posts, api.Posts);
        Assert.Equal(0, second.Status.SubmittedCount);
        Assert.Equal(0, second.Status.BatchCount);
        Assert.Equal(25, second.Status.UnchangedCount);
        Assert.Equal((1, 2, 3), (second.Status.InvalidCount, second.Status.DuplicateCount, second.Status.OutOfSegmentCount));
        Assert.Equal(second.Status.InputCount, second.Status.OutOfSegmentCount + second.Status.InvalidCount + second.Status.DuplicateCount + second.Status.UnchangedCount + second.Status.SubmittedCount);
        Assert.Equal(25, SyncStateFile.Load(StatePath())!.Count);
    }

    [Fact]
    public async Task Only_a_changed_profile_and_a_new_one_are_sent()
    {
        await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 25)));
        int accepted = api.AcceptedBodies.Count;

        string next = Csv("next.csv", Good(1, 24), new[] { "person0@example.com,Renamed,VIP", "newcomer@example.com,New,VIP" });
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), next);
        Assert.Equal(2, result.Status.SubmittedCount);
        Assert.Equal(24, result.Status.UnchangedCount);
        Assert.Equal(new[] { "newcomer@example.com", "person0@example.com" }, EmailsIn(api.AcceptedBodies.Skip(accepted)));

        // Sent and confirmed, the changed profile is unchanged from now on.
        ExportRunResult again = await RunFiles(new ExportRunRequest(Definition()), next);
        Assert.Equal((0, 26), (again.Status.SubmittedCount, again.Status.UnchangedCount));
    }

    [Fact]
    public async Task Full_sends_every_profile_and_still_records_what_it_sent()
    {
        await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 25)));
        string renamed = Csv("renamed.csv", Good(1, 24), new[] { "person0@example.com,Renamed,VIP" });

        ExportRunResult full = await RunFiles(new ExportRunRequest(Definition()) { Full = true }, renamed);
        Assert.Equal((25, 0), (full.Status.SubmittedCount, full.Status.UnchangedCount));
        Assert.True(full.Status.Manifest.Full);

        ExportRunResult after = await RunFiles(new ExportRunRequest(Definition()), renamed);
        Assert.Equal((0, 25), (after.Status.SubmittedCount, after.Status.UnchangedCount));
    }

    [Fact]
    public async Task A_Full_run_stopped_while_staging_is_staged_again_as_Full()
    {
        string csv = Csv("in.csv", Good(0, 12));
        await RunFiles(new ExportRunRequest(Definition()), csv);
        string runId;
        using (ExportRun stopped = ExportRun.Start(paths, Definition(), null, new[] { csv }, null, whatIf: false, null, time, new ImportBatchLimits(MaxContacts: 10), full: true))
        {
            runId = stopped.RunId;
            stopped.End(RunState.Stopped, "Stopped while staging.");
        }

        using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()));
        ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(runId, CancellationToken.None)));
        Assert.Equal(runId, resumed.Status.Manifest.RunId);
        Assert.Equal(RunState.Completed, resumed.Status.State);
        Assert.Equal((12, 0), (resumed.Status.SubmittedCount, resumed.Status.UnchangedCount));
    }

    [Fact]
    public async Task The_contacts_of_an_import_that_had_errors_are_not_recorded_and_are_sent_again()
    {
        string csv = Csv("in.csv", Good(0, 30));
        api.PostsWithErrors.Add(2);
        ExportRunResult first = await RunFiles(new ExportRunRequest(Definition()), csv);
        Assert.Equal(RunState.CompletedWithErrors, first.Status.State);
        Assert.Equal(3, api.AcceptedBodies.Count);
        string[] erred = EmailsIn(api.AcceptedBodies.Skip(1).Take(1));
        Assert.Equal(10, erred.Length);

        ExportRunResult second = await RunFiles(new ExportRunRequest(Definition()), csv);
        Assert.Equal((10, 20), (second.Status.SubmittedCount, second.Status.UnchangedCount));
        Assert.Equal(erred, EmailsIn(api.AcceptedBodies.Skip(3)));
    }

    [Fact]
    public async Task A_stopped_run_records_nothing_and_its_resume_records_the_whole_run()
    {
        string csv = Csv("in.csv", Good(0, 30));
        ExportRunResult stopped = await RunStoppedAfterOneImport(new ExportRunRequest(Definition()), csv);
        Assert.Null(SyncStateFile.Load(StatePath()));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(paths.Runs, stopped.Status.Manifest.RunId, "batches"), "sync-*.keys"));

        using (ExportRunner runner = NewRunner(new ExportRunRequest(Definition())))
        {
            ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(null, CancellationToken.None)));
            Assert.Equal(RunState.Completed, resumed.Status.State);
        }

        Assert.Equal(30, SyncStateFile.Load(StatePath())!.Count);
        Assert.False(Directory.Exists(Path.Combine(paths.Runs, stopped.Status.Manifest.RunId, "batches")), "the key files go with the bodies");
        int posts = api.Posts;
        ExportRunResult next = await RunFiles(new ExportRunRequest(Definition()), csv);
        Assert.Equal((0, 30), (next.Status.SubmittedCount, next.Status.UnchangedCount));
        Assert.Equal(posts, api.Posts);
    }

    [Fact]
    public async Task A_NoWait_run_is_recorded_when_a_refresh_sees_its_imports_complete()
    {
        string csv = Csv("in.csv", Good(0, 15));
        ExportRunResult submitted = await RunFiles(new ExportRunRequest(Definition()) { NoWait = true }, csv);
        Assert.Equal(RunState.Submitted, submitted.Status.State);
        Assert.Null(SyncStateFile.Load(StatePath()));

        using (ExportRun run = ExportRun.OpenForResume(paths, "news", null, time)!)
        {
            Assert.Equal(RunState.Completed, await run.RefreshAsync(api, CancellationToken.None));
        }

        Assert.Equal(15, SyncStateFile.Load(StatePath())!.Count);
    }

    [Fact]
    public async Task An_older_NoWait_run_refreshed_after_a_later_run_recorded_leaves_the_later_values_in_the_state()
    {
        // Red team (f3): run A sends Xavier and does not wait; run B sends Yvonne and completes; A's refresh must not put
        // Xavier back, or a run that sends Xavier again would take it for unchanged while Constant Contact holds Yvonne.
        ExportRunResult older = await RunFiles(new ExportRunRequest(Definition()) { NoWait = true }, Csv("a.csv", new[] { "person0@example.com,Xavier,VIP" }));
        Assert.Equal(RunState.Submitted, older.Status.State);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RunState.Completed, (await RunFiles(new ExportRunRequest(Definition()), Csv("b.csv", new[] { "person0@example.com,Yvonne,VIP" }))).Status.State);

        time.Advance(TimeSpan.FromMinutes(1));
        using (ExportRun run = ExportRun.OpenForResume(paths, "news", older.Status.Manifest.RunId, time)!)
        {
            Assert.Equal(RunState.Completed, await run.RefreshAsync(api, CancellationToken.None));
            Assert.Contains("saved after this run started", run.Status.Message, StringComparison.Ordinal);
        }

        RunStatus again = (await RunFiles(new ExportRunRequest(Definition()), Csv("c.csv", new[] { "person0@example.com,Xavier,VIP" }))).Status;
        Assert.Equal((1, 0), (again.SubmittedCount, again.UnchangedCount));
    }

    /// <summary>Flips one byte of the export's sync state file (byte 40, or the one <paramref name="at"/> picks); returns the damaged content.</summary>
    private byte[] DamageStateFile(Func<byte[], int>? at = null)
    {
        byte[] bytes = File.ReadAllBytes(StatePath());
        bytes[at?.Invoke(bytes) ?? 40] ^= 0xFF;
        File.WriteAllBytes(StatePath(), bytes);
        return bytes;
    }

    [Fact]
    public async Task A_Full_run_keeps_a_damaged_state_aside_and_says_so_before_it_writes_a_new_one()
    {
        await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 12)));
        byte[] state = DamageStateFile(bytes => bytes.Length / 2);

        ExportRunResult full = await RunFiles(new ExportRunRequest(Definition()) { Full = true }, Csv("next.csv", Good(0, 5)));

        Assert.Equal(RunState.Completed, full.Status.State);
        Assert.Contains(observer.Warnings, w => w.Contains("sync state is damaged", StringComparison.Ordinal));
        Assert.Equal(state, File.ReadAllBytes(StatePath() + ".damaged"));
        Assert.Equal(5, SyncStateFile.Load(StatePath())!.Count);
    }

    [Fact]
    public async Task A_profile_recorded_on_other_lists_is_sent_to_the_lists_it_is_not_on_and_then_unchanged()
    {
        const string Second = "9b1c3a52-0000-4000-8000-000000000002";
        ExportDefinition first = Definition();
        ExportDefinition second = Definition();
        second.ListIds[0] = Second;
        ExportDefinition both = Definition();
        both.ListIds.Add(Second);

        // Both lists in the state's table, each contact recorded on one of them.
        await RunFiles(new ExportRunRequest(first), Csv("a.csv", Good(0, 12)));
        await RunFiles(new ExportRunRequest(second), Csv("b.csv", Good(12, 3)));
        Assert.Equal(2, SyncStateFile.Load(StatePath())!.Lists.Count);

        string csv = Csv("all.csv", Good(0, 15));
        ExportRunResult widened = await RunFiles(new ExportRunRequest(both), csv);
        Assert.Equal((15, 0), (widened.Status.SubmittedCount, widened.Status.UnchangedCount));

        ExportRunResult again = await RunFiles(new ExportRunRequest(both), csv);
        Assert.Equal((0, 15), (again.Status.SubmittedCount, again.Status.UnchangedCount));
        ExportRunResult fewer = await RunFiles(new ExportRunRequest(first), csv);
        Assert.Equal((0, 15), (fewer.Status.SubmittedCount, fewer.Status.UnchangedCount));
    }

    [Fact]
    public async Task WhatIf_says_how_many_would_be_sent_and_how_many_are_unchanged()
    {
        await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 20)));
        observer.Answer = false;
        ExportRunResult whatIf = await RunFiles(new ExportRunRequest(Definition()) { WouldAskBeforeSending = true }, Csv("more.csv", Good(0, 23)));
        Assert.Equal(RunState.WhatIf, whatIf.Status.State);
        Assert.Equal("Send 3 contacts in 1 import(s); 20 unchanged since the last sync are not sent", observer.LastAction);
        Assert.Contains("20 are unchanged since the last sync", whatIf.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_state_is_said_and_the_run_sends_everything_and_writes_a_new_one()
    {
        string csv = Csv("in.csv", Good(0, 12));
        await RunFiles(new ExportRunRequest(Definition()), csv);
        byte[] bytes = DamageStateFile();

        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), csv);
        Assert.Equal((12, 0), (result.Status.SubmittedCount, result.Status.UnchangedCount));
        Assert.Contains(observer.Warnings, w => w.Contains("sync state is damaged", StringComparison.Ordinal) && w.Contains(".damaged", StringComparison.Ordinal));
        Assert.Equal(12, SyncStateFile.Load(StatePath())!.Count);
        Assert.Equal(bytes, File.ReadAllBytes(StatePath() + ".damaged"));
    }

    [Fact]
    public async Task WhatIf_leaves_a_damaged_state_where_it_is_and_says_so_and_the_run_that_sends_keeps_it_aside()
    {
        string csv = Csv("in.csv", Good(0, 12));
        await RunFiles(new ExportRunRequest(Removing()), csv);
        byte[] bytes = DamageStateFile();

        observer.Answer = false;
        ExportRunResult whatIf = await RunFiles(new ExportRunRequest(Removing()) { WouldAskBeforeSending = true }, csv);
        Assert.Equal(RunState.WhatIf, whatIf.Status.State);
        Assert.Contains(observer.Warnings, w => w.Contains("sync state is damaged", StringComparison.Ordinal) && w.Contains("If this run sends, it keeps it as", StringComparison.Ordinal));
        Assert.EndsWith("; remove none (the export's sync state is damaged: see the warning)", observer.LastAction, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(StatePath()));
        Assert.False(File.Exists(StatePath() + ".damaged"));

        // -Confirm answered yes: the run that sends moves it aside before it sends, and writes a new one after.
        observer.Warnings.Clear();
        observer.Answer = true;
        ExportRunResult confirmed = await RunFiles(new ExportRunRequest(Removing()) { WouldAskBeforeSending = true }, csv);
        Assert.Equal((12, 0, 0), (confirmed.Status.SubmittedCount, confirmed.Status.UnchangedCount, confirmed.Status.RemovedCount));
        Assert.Contains(observer.Warnings, w => w.Contains("sync state is damaged", StringComparison.Ordinal));
        Assert.Equal(bytes, File.ReadAllBytes(StatePath() + ".damaged"));
        Assert.Equal(12, SyncStateFile.Load(StatePath())!.Count);
    }

    [Fact]
    public async Task Removing_the_export_deletes_its_sync_state()
    {
        await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 5)));
        Assert.True(File.Exists(StatePath()));
        ExportRemoval.Remove(paths, "news", time);
        Assert.False(File.Exists(StatePath()));
    }

    [Fact]
    public async Task The_state_is_written_while_the_run_waits_and_only_renamed_once_every_import_is_confirmed()
    {
        ExportRunResult run = await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 25)));

        Assert.Equal(RunState.Completed, run.Status.State);
        SyncState state = SyncStateFile.Load(StatePath())!;
        Assert.Equal(25, state.Count);
        // Written ahead, so stamped when the run began to wait, before its imports were confirmed and it ended.
        Assert.True(state.SavedAt < run.Status.CompletedAt, $"saved {state.SavedAt:o}, completed {run.Status.CompletedAt:o}");
        Assert.Empty(StateLeftovers());
        RunStatus again = (await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 25)))).Status;
        Assert.Equal((0, 25), (again.SubmittedCount, again.UnchangedCount));
    }

    [Fact]
    public async Task A_state_written_ahead_is_thrown_away_when_an_import_had_errors_and_the_state_records_only_the_confirmed()
    {
        api.PostsWithErrors.Add(2);
        ExportRunResult run = await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 30)));

        Assert.Equal(RunState.CompletedWithErrors, run.Status.State);
        SyncState state = SyncStateFile.Load(StatePath())!;
        Assert.Equal(20, state.Count);
        Assert.True(state.SavedAt >= run.Status.CompletedAt, "written when the run ended, from its confirmed batches");
        Assert.Empty(StateLeftovers());
    }

    [Fact]
    public async Task A_run_that_does_not_wait_for_its_imports_leaves_no_state_written_ahead_behind()
    {
        ExportRunResult run = await RunFiles(new ExportRunRequest(Definition()) { NoWait = true }, Csv("in.csv", Good(0, 25)));

        Assert.Equal(RunState.Submitted, run.Status.State);
        Assert.Null(SyncStateFile.Load(StatePath()));
        Assert.Empty(StateLeftovers());
    }

    [Fact]
    public async Task A_temporary_state_file_that_a_killed_process_left_is_deleted_by_the_next_write_of_the_state()
    {
        string folder = Path.GetDirectoryName(StatePath())!;
        Directory.CreateDirectory(folder);
        string leftover = Path.Combine(folder, ".sync.state." + Guid.NewGuid().ToString("N") + ".tmp");
        File.WriteAllBytes(leftover, new byte[64]);

        await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 5)));

        Assert.False(File.Exists(leftover));
        Assert.Equal(5, SyncStateFile.Load(StatePath())!.Count);
    }

    private string[] StateLeftovers() => Directory.GetFiles(Path.GetDirectoryName(StatePath())!, ".sync.state.*.tmp");

    private string StatePath() => SyncStateLocation.PathOf(paths, "news");

    private static string[] EmailsIn(IEnumerable<string> bodies) =>
        bodies.SelectMany(b => Regex.Matches(b, "\"email\":\"([^\"]+)\"").Select(m => m.Groups[1].Value)).OrderBy(e => e, StringComparer.Ordinal).ToArray();
}
