using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.Sending;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Runs;

/// <summary>
/// Staged bodies are deleted once a run no longer needs them to resume; run folders are pruned after RetainDays and
/// removed with their export; run files are the owner's alone; the latest run is the one started last.
/// </summary>
public sealed class PersonalDataAtRestTests : IDisposable
{
    private static readonly ImportBatchLimits TenAContact = new(MaxContacts: 10);

    private readonly TempFolder temp = new();
    private readonly TimerClock time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly StoragePaths paths;
    private readonly FakeImportApi api;

    public PersonalDataAtRestTests()
    {
        paths = new StoragePaths(temp.Path);
        api = new FakeImportApi(time);
    }

    public void Dispose() => temp.Dispose();

    private static ExportDefinition Definition(int retainDays = ExportDefinition.DefaultRetainDays) => new()
    {
        Name = "news",
        Connection = "c",
        ListIds = new() { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a" },
        EmailField = "Email",
        Segments = new() { "VIP" },
        RetainDays = retainDays,
    };

    [Fact]
    public async Task A_completed_run_keeps_no_body()
    {
        string folder;
        using (ExportRun run = StageNew(35))
        {
            folder = run.Folder;
            Assert.Equal(4, Bodies(folder).Count);
            Assert.Equal(RunState.Completed, await Drive(run.SendAsync(api, noWait: false, null, CancellationToken.None)));
        }

        Assert.Empty(Bodies(folder));
        Assert.True(File.Exists(Path.Combine(folder, RunJournal.FileName)));
        Assert.True(File.Exists(Path.Combine(folder, ExportStaging.RejectFileName)));
    }

    [Fact]
    public async Task A_NoWait_run_deletes_each_body_once_its_import_is_accepted()
    {
        using ExportRun run = StageNew(35);
        Assert.Equal(RunState.Submitted, await Drive(run.SendAsync(api, noWait: true, null, CancellationToken.None)));
        Assert.Empty(Bodies(run.Folder));
    }

    [Fact]
    public async Task A_stopped_run_keeps_the_bodies_not_accepted_and_a_resume_sends_them_then_none_remain()
    {
        api.Script.Enqueue(PostBehaviour.Accept);
        api.Script.Enqueue(PostBehaviour.QuotaExceeded);
        string folder;
        using (ExportRun run = StageNew(35))
        {
            folder = run.Folder;
            Assert.Equal(RunState.Stopped, await Drive(run.SendAsync(api, noWait: false, null, CancellationToken.None)));
        }

        Assert.Equal(new[] { 2, 3, 4 }, Bodies(folder));
        using (ExportRun resumed = ExportRun.OpenForResume(paths, "news", null, time)!)
        {
            Assert.Equal(RunState.Completed, await Drive(resumed.SendAsync(api, noWait: false, null, CancellationToken.None)));
        }

        Assert.Equal(new[] { "batch-00001.json", "batch-00002.json", "batch-00003.json", "batch-00004.json" }, api.Activities.Select(a => Path.GetFileName(a.Body)));
        Assert.Empty(Bodies(folder));
    }

    [Fact]
    public async Task A_crash_between_accepted_and_deleted_leaves_a_body_too_many_and_the_run_resumable()
    {
        string folder;
        using (ExportRun run = StageNew(25))
        {
            folder = run.Folder;
        }

        // The process died after journaling batch 1 Submitted and before deleting its body.
        using (RunJournal journal = RunJournal.Open(folder))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = time.GetUtcNow(), Batch = 1 });
            journal.Append(new JournalEntry { Type = JournalEntryType.Submitted, At = time.GetUtcNow(), Batch = 1, ActivityId = "earlier" });
        }

        api.Activities.Add((new ActivityInfo { ActivityId = "earlier", State = "completed", PersonCount = 10 }, "x"));
        Assert.Equal(new[] { 1, 2, 3 }, Bodies(folder));
        using (ExportRun resumed = ExportRun.OpenForResume(paths, "news", null, time)!)
        {
            Assert.Equal(RunState.Completed, await Drive(resumed.SendAsync(api, noWait: false, null, CancellationToken.None)));
        }

        Assert.Equal(3, api.Activities.Count);
        Assert.Empty(Bodies(folder));
    }

    [Fact]
    public void A_run_stopped_while_staging_keeps_its_bodies_and_WhatIf_and_Failed_keep_none()
    {
        using (ExportRun staging = Start())
        {
            Stage(staging, 0, 25);
            staging.End(RunState.Stopped, "stopped while staging");
            Assert.NotEmpty(Bodies(staging.Folder));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        using (ExportRun whatIf = StageNew(25))
        {
            whatIf.End(RunState.WhatIf, "WhatIf");
            Assert.Empty(Bodies(whatIf.Folder));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        using (ExportRun failed = StageNew(25))
        {
            failed.End(RunState.Failed, "MaxProfiles");
            Assert.Empty(Bodies(failed.Folder));
        }
    }

    [Fact]
    public void Runs_idle_longer_than_RetainDays_are_pruned_by_the_next_run_and_younger_ones_kept()
    {
        string old = EndedRun(RunState.Completed);
        time.Advance(TimeSpan.FromDays(10));
        string stopped = EndedRun(RunState.Stopped); // unfinished, but idle 21 days at the end
        time.Advance(TimeSpan.FromDays(11));
        string young = EndedRun(RunState.Completed);

        time.Advance(TimeSpan.FromDays(20)); // old: 41 days idle, stopped: 31, young: 20
        using (ExportRun run = Start(Definition(retainDays: 30)))
        {
            run.PruneOlderRuns(30);
            Assert.Equal(new[] { young, run.RunId }, new RunStore(paths).RunIds("news"));
            Assert.False(Directory.Exists(new RunStore(paths).FolderOf(old)));
            Assert.False(Directory.Exists(new RunStore(paths).FolderOf(stopped)));
        }
    }

    [Fact]
    public void Age_counts_from_a_runs_last_activity_and_RetainDays_0_keeps_a_run_until_the_next_one()
    {
        string resumedLately;
        using (ExportRun run = Start())
        {
            resumedLately = run.RunId;
            run.End(RunState.Stopped, "stopped");
        }

        time.Advance(TimeSpan.FromDays(40));
        using (ExportRun resumed = ExportRun.OpenForResume(paths, "news", resumedLately, time)!)
        {
            resumed.End(RunState.Failed, "given up");
        }

        time.Advance(TimeSpan.FromDays(1));
        using (ExportRun run = Start(Definition(retainDays: 30)))
        {
            run.PruneOlderRuns(30);
            Assert.Contains(resumedLately, new RunStore(paths).RunIds("news"));
            run.End(RunState.Completed, "done");
        }

        using (ExportRun run = Start(Definition(retainDays: 0)))
        {
            run.PruneOlderRuns(0);
            Assert.Equal(new[] { run.RunId }, new RunStore(paths).RunIds("news"));
        }
    }

    [Fact]
    public void Pruning_touches_only_the_export_that_runs()
    {
        ExportDefinition other = Definition();
        other.Name = "other";
        string otherRun;
        using (ExportRun run = Start(other))
        {
            otherRun = run.RunId;
            run.End(RunState.Completed, "done");
        }

        time.Advance(TimeSpan.FromDays(100));
        using (ExportRun run = Start(Definition(retainDays: 1)))
        {
            run.PruneOlderRuns(1);
            Assert.Contains(otherRun, new RunStore(paths).RunIds());
        }
    }

    [Fact]
    public async Task A_deleted_runs_activities_stay_claimed_so_that_an_import_in_doubt_is_not_taken_for_one_of_them()
    {
        // A run of news dies with batch 1 posted and its answer unknown.
        string inDoubt;
        using (ExportRun run = StageNew(5))
        {
            inDoubt = run.RunId;
        }

        using (RunJournal journal = RunJournal.Open(new RunStore(paths).FolderOf(inDoubt)))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = time.GetUtcNow(), Batch = 1 });
        }

        // Meanwhile another export's run imports, and its next run prunes it (RetainDays 0).
        time.Advance(TimeSpan.FromMinutes(1));
        ExportDefinition other = Definition(retainDays: 0);
        other.Name = "other";
        using (ExportRun run = Start(other))
        {
            Stage(run, 0, 5);
            run.CompleteStaging();
            Assert.Equal(RunState.Completed, await Drive(run.SendAsync(api, noWait: false, null, CancellationToken.None)));
        }

        using (ExportRun pruning = Start(other))
        {
            pruning.PruneOlderRuns(0);
        }

        Assert.Contains(api.Activities[0].Activity.ActivityId, RunRetention.DeletedActivityIds(paths));

        // The resumed batch was not accepted: the pruned run's activity is not taken for it; it is sent.
        using ExportRun resumed = ExportRun.OpenForResume(paths, "news", inDoubt, time)!;
        Assert.Equal(RunState.Completed, await Drive(resumed.SendAsync(api, noWait: false, null, CancellationToken.None)));
        Assert.Equal(2, api.Activities.Count);
        Assert.Equal(new[] { api.Activities[1].Activity.ActivityId }, resumed.Status.ActivityIds);
    }

    [Fact]
    public void Runs_started_in_the_same_second_or_tick_are_ordered_and_the_latest_is_the_last_started()
    {
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            using ExportRun run = Start(); // the clock does not move: every run starts at the same tick
            ids.Add(run.RunId);
        }

        var store = new RunStore(paths);
        Assert.Equal(ids, store.RunIds("news"));
        Assert.Equal(ids, ids.OrderBy(id => id, StringComparer.Ordinal));
        Assert.Equal(ids[4], store.LatestRunId("news"));
        using ExportRun resumed = ExportRun.OpenForResume(paths, "news", null, time)!;
        Assert.Equal(ids[4], resumed.RunId);
    }

    [Fact]
    public void Old_second_precision_ids_keep_working_and_sort_by_their_start_within_the_second()
    {
        var store = new RunStore(paths);
        DateTimeOffset t = time.GetUtcNow();

        // Two runs of an older version in one second: the random suffix sorts against their start.
        store.Create(new RunManifest { RunId = "20261129-120000-ffffff", ExportName = "news", StartedAt = t.AddMilliseconds(100) });
        store.Create(new RunManifest { RunId = "20261129-120000-000000", ExportName = "news", StartedAt = t.AddMilliseconds(700) });
        Assert.Equal(new[] { "20261129-120000-ffffff", "20261129-120000-000000" }, store.RunIds("news"));
        Assert.Equal(new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc), RunStore.TimeOf("20261129-120000-ffffff"));

        // A new id after them, even from a clock that went back, sorts after them.
        string next = RunStore.NewRunId(t.AddSeconds(-5), store.LatestRunId("news"));
        Assert.True(RunStore.TimeOf(next) > RunStore.TimeOf("20261129-120000-000000"));
        Assert.Equal(t.UtcDateTime.AddTicks(1), RunStore.TimeOf(next));
        Assert.Null(RunStore.TimeOf("not-a-run"));
    }

    [Fact]
    public void RetainDays_is_30_for_a_definition_that_does_not_say_and_must_be_0_to_3650()
    {
        var store = new ExportDefinitionStore(paths);
        store.Save(Definition());
        string path = store.PathOf("news");
        string json = File.ReadAllText(path);
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(json, "\"RetainDays\"\\s*:\\s*30,?", string.Empty));
        Assert.DoesNotContain("RetainDays", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(30, store.Get("news")!.RetainDays);

        File.WriteAllText(path, json.Replace("\"RetainDays\": 30", "\"RetainDays\": 3651", StringComparison.Ordinal));
        var ex = Assert.Throws<ExportDefinitionException>(() => store.Get("news"));
        Assert.Contains("RetainDays", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_an_export_deletes_its_runs_and_definition_but_not_while_it_runs()
    {
        new ExportDefinitionStore(paths).Save(Definition());
        EndedRun(RunState.Completed);
        using (ExportRun running = Start())
        {
            Assert.Throws<ExportRunningException>(() => ExportRemoval.Remove(paths, "news", time));
            Assert.NotEmpty(new RunStore(paths).RunIds("news"));
        }

        Assert.Equal(2, ExportRemoval.Remove(paths, "news", time));
        Assert.Empty(new RunStore(paths).RunIds("news"));
        Assert.Empty(Directory.GetFileSystemEntries(paths.Runs));
        Assert.False(new ExportDefinitionStore(paths).Exists("news"));
    }

    [Fact]
    public void Run_folders_are_0700_and_every_file_in_them_0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string folder;
        using (ExportRun run = Start())
        {
            Stage(run, 0, 25);
            folder = run.Folder;
            run.Staging.Add(Profile(run, "not an address"), out _);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder, ExportStaging.BatchFolderName)));
            run.CompleteStaging();
        }

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        string[] files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".json", StringComparison.Ordinal) && f.Contains("batch-", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(ExportStaging.RejectFileName, StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(RunJournal.FileName, StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(RunStore.ManifestFileName, StringComparison.Ordinal));
        foreach (string file in files)
        {
            Assert.Equal(ownerOnly, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void A_reject_report_of_the_users_is_created_owner_only_and_never_through_a_link()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string report = temp.File("rejects-mine.csv");
        File.WriteAllText(report, "an older report");
        File.SetUnixFileMode(report, (UnixFileMode)0x1B6); // 0666: replaced, not reused
        using (ExportRun run = ExportRun.Start(paths, Definition(), new[] { "VIP" }, new[] { "pipeline" }, report, whatIf: false, "tester", time, TenAContact))
        {
            run.CompleteStaging();
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(report));
        Assert.StartsWith("RecordNumber", File.ReadAllText(report).TrimStart('\uFEFF'), StringComparison.Ordinal);

        string target = temp.File("elsewhere.csv");
        string link = temp.File("link.csv");
        File.CreateSymbolicLink(link, target);
        time.Advance(TimeSpan.FromSeconds(1));
        int runsBefore = new RunStore(paths).RunIds().Count;
        var ex = Assert.Throws<UnsafeFileException>(() => ExportRun.Start(paths, Definition(), new[] { "VIP" }, new[] { "pipeline" }, link, whatIf: false, "tester", time, TenAContact));
        Assert.Contains("symbolic link", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.Equal(runsBefore, new RunStore(paths).RunIds().Count);

        // A link planted after the check is refused by the exclusive create.
        Assert.Throws<UnsafeFileException>(() => PrivateFiles.Create(link));
        Assert.False(File.Exists(target));
    }

    private ExportRun Start(ExportDefinition? definition = null) =>
        ExportRun.Start(paths, definition ?? Definition(), new[] { "VIP" }, new[] { temp.File("in.csv") }, null, whatIf: false, "tester", time, TenAContact);

    private ExportRun StageNew(int profiles)
    {
        ExportRun run = Start();
        Stage(run, 0, profiles);
        run.CompleteStaging();
        return run;
    }

    private string EndedRun(RunState state)
    {
        using ExportRun run = StageNew(5);
        run.End(state, state.ToString());
        return run.RunId;
    }

    private static ProfileRecord Profile(ExportRun run, string email)
    {
        ProfileRecord record = run.Staging.NewRecord();
        record.Values[run.Staging.Mapping.EmailIndex] = SourceValue.FromText(email);
        return record;
    }

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

    /// <summary>The batch numbers whose bodies are on disk.</summary>
    private static List<int> Bodies(string runFolder)
    {
        string folder = Path.Combine(runFolder, ExportStaging.BatchFolderName);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "batch-*.json").Select(f => int.Parse(Path.GetFileNameWithoutExtension(f).Substring(6))).OrderBy(b => b).ToList()
            : new List<int>();
    }

    /// <summary>Moves the clock to each timer the run waits on (activity polls) until it ends.</summary>
    private async Task<RunState> Drive(Task<RunState> task)
    {
        await time.DriveAsync(task);
        return await task;
    }
}
