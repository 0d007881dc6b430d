using System;
using System.IO;
using System.Linq;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Tests.Runs;

/// <summary>A run whose journal or manifest was damaged is refused with RunDamaged, never taken as "nothing sent".</summary>
public sealed class DamagedRunTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A run staged in 6 batches, 3 of them sent and accepted, then stopped: what -Resume would go on with.</summary>
    private static (StoragePaths Paths, string RunId, string Folder) StoppedAfterThreeImports(TempFolder temp, string export = "news", DateTimeOffset? at = null)
    {
        var paths = new StoragePaths(temp.Path);
        var store = new RunStore(paths);
        string runId = RunStore.NewRunId(at ?? T0);
        string folder = store.Create(new RunManifest { RunId = runId, ExportName = export, Connection = "prod", StartedAt = at ?? T0, Sources = new() { "pipeline" } });
        using var journal = RunJournal.Open(folder);
        journal.Append(new JournalEntry { Type = JournalEntryType.Staged, At = T0, InputCount = 60, SubmittedCount = 60, BatchCount = 6, BatchContacts = Enumerable.Repeat(10, 6).ToList() });
        for (int b = 1; b <= 3; b++)
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = T0, Batch = b });
            journal.Append(new JournalEntry { Type = JournalEntryType.Submitted, At = T0, Batch = b, ActivityId = "a" + b });
        }

        journal.Append(new JournalEntry { Type = JournalEntryType.State, At = T0, State = RunState.Stopped, Message = "quota" });
        return (paths, runId, folder);
    }

    [Fact]
    public void An_intact_stopped_run_resumes()
    {
        using var temp = new TempFolder();
        var (paths, runId, _) = StoppedAfterThreeImports(temp);
        using ExportRun run = ExportRun.OpenForResume(paths, "news", null, TimeProvider.System)!;
        Assert.Equal(runId, run.RunId);
        Assert.Equal(new[] { 4, 5, 6 }, run.Status.UnsentBatches());
    }

    [Theory]
    [InlineData("emptied")]
    [InlineData("halved")]
    [InlineData("last Sending cut")]
    public void A_journal_emptied_or_cut_short_of_its_mark_is_damaged_and_refused(string damage)
    {
        using var temp = new TempFolder();
        var (paths, runId, folder) = StoppedAfterThreeImports(temp);
        string journalPath = Path.Combine(folder, RunJournal.FileName);
        string[] lines = File.ReadAllLines(journalPath);
        File.WriteAllText(journalPath, damage switch
        {
            "emptied" => string.Empty,
            "halved" => File.ReadAllText(journalPath).Substring(0, File.ReadAllText(journalPath).Length / 2),
            _ => string.Join("\n", lines.Take(5)) + "\n", // Staged, batches 1 and 2: batch 3's Sending is gone
        });

        RunStatus status = new RunStore(paths).Load(runId)!;
        Assert.Equal(RunState.Damaged, status.State);
        Assert.False(status.IsUnfinished);
        Assert.Contains(journalPath, status.Message);
        Assert.Contains("nothing more was sent", status.Message);
        Assert.Contains($"Remove-CCExportRun -RunId {runId} -Force", status.Message);

        // By id and as the latest unfinished run alike: refused, and the journal is left as it is (not even opened).
        long length = new FileInfo(journalPath).Length;
        var byId = Assert.Throws<RunDamagedException>(() => ExportRun.OpenForResume(paths, "news", runId, TimeProvider.System));
        var latest = Assert.Throws<RunDamagedException>(() => ExportRun.OpenForResume(paths, "news", null, TimeProvider.System));
        Assert.Equal(runId, latest.RunId);
        Assert.Equal(status.Message, byId.Message);
        Assert.Equal(length, new FileInfo(journalPath).Length);
    }

    [Fact]
    public void A_torn_last_line_after_the_mark_is_a_kill_not_damage()
    {
        // A kill mid-write leaves an unterminated line: the mark never counted it, so the run still resumes.
        using var temp = new TempFolder();
        var (paths, runId, folder) = StoppedAfterThreeImports(temp);
        File.AppendAllText(Path.Combine(folder, RunJournal.FileName), "{\"Type\":\"Sending\",\"Bat");
        Assert.Equal(RunState.Stopped, new RunStore(paths).Load(runId)!.State);
        using ExportRun run = ExportRun.OpenForResume(paths, "news", runId, TimeProvider.System)!;
        Assert.NotNull(run);
    }

    [Fact]
    public void A_run_killed_before_its_first_mark_still_resumes_from_an_empty_journal()
    {
        using var temp = new TempFolder();
        var paths = new StoragePaths(temp.Path);
        string runId = RunStore.NewRunId(T0);
        string folder = new RunStore(paths).Create(new RunManifest { RunId = runId, ExportName = "news", StartedAt = T0 });
        File.WriteAllText(Path.Combine(folder, RunJournal.FileName), string.Empty);
        Assert.Equal(RunState.Staging, new RunStore(paths).Load(runId)!.State);
        using ExportRun run = ExportRun.OpenForResume(paths, "news", null, TimeProvider.System)!;
        Assert.Equal(runId, run.RunId);
    }

    [Theory]
    [InlineData("{\"Type\":\"Submitted\",\"At\":\"2026-11-28T12:00:00+00:00\",\"Batch\":5,\"ActivityId\":\"a5\"}", "batch 5 Submitted without being journaled Sending")]
    [InlineData("{\"Type\":\"Sending\",\"At\":\"2026-11-28T12:00:00+00:00\",\"Batch\":9}", "batch 9, which the run does not have")]
    [InlineData("{\"Type\":\"Submitted\",\"At\":\"2026-11-28T12:00:00+00:00\",\"Batch\":1}", "without an activity id")]
    [InlineData("{\"Type\":\"Staged\",\"At\":\"2026-11-28T12:00:00+00:00\",\"BatchCount\":6}", "a second Staged entry")]
    public void A_journal_that_contradicts_its_run_is_damaged(string line, string said)
    {
        using var temp = new TempFolder();
        var (paths, runId, folder) = StoppedAfterThreeImports(temp);
        File.AppendAllText(Path.Combine(folder, RunJournal.FileName), line + "\n");
        RunStatus status = new RunStore(paths).Load(runId)!;
        Assert.Equal(RunState.Damaged, status.State);
        Assert.Contains(said, status.Message);
        Assert.Contains(Path.Combine(folder, RunJournal.FileName), status.Message);
        Assert.Throws<RunDamagedException>(() => ExportRun.OpenForResume(paths, "news", null, TimeProvider.System));
    }

    [Fact]
    public void A_halved_manifest_is_damaged_under_the_export_its_text_still_names()
    {
        using var temp = new TempFolder();
        var (paths, runId, folder) = StoppedAfterThreeImports(temp);
        string manifestPath = Path.Combine(folder, RunStore.ManifestFileName);
        string text = File.ReadAllText(manifestPath);
        File.WriteAllText(manifestPath, text.Substring(0, text.Length / 2));

        RunStatus status = new RunStore(paths).Load(runId)!;
        Assert.Equal(RunState.Damaged, status.State);
        Assert.Equal("news", status.Manifest.ExportName);
        Assert.Contains(manifestPath, status.Message);
        Assert.Equal(new[] { runId }, new RunStore(paths).RunIds("news"));
        var ex = Assert.Throws<RunDamagedException>(() => ExportRun.OpenForResume(paths, "news", null, TimeProvider.System));
        Assert.Contains("run.json", ex.Message);
    }

    [Theory]
    [InlineData("\"Newsletter\"", null)]
    [InlineData("{\"a\":[1,2]}", null)]
    [InlineData("[\"Newsletter\",7]", null)]
    [InlineData("[[\"x\"],\"y\"]", null)]
    [InlineData("null", null)]
    [InlineData("[\"\\ud800\"]", null)]
    [InlineData("[\"Newsletter\"]", "Newsletter")]
    public void List_names_of_the_wrong_type_read_as_none_and_the_run_stays_whole(string value, string? read)
    {
        using var temp = new TempFolder();
        var (paths, runId, folder) = StoppedAfterThreeImports(temp);
        string manifestPath = Path.Combine(folder, RunStore.ManifestFileName);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["ListNames"] = "listnames-here";
        File.WriteAllText(manifestPath, manifest.ToJsonString().Replace("\"listnames-here\"", value));

        RunStatus status = new RunStore(paths).Load(runId)!;
        Assert.NotEqual(RunState.Damaged, status.State);
        Assert.Equal("news", status.Manifest.ExportName);
        Assert.Equal(read, status.Manifest.ListNames?.Single());
        using ExportRun run = ExportRun.OpenForResume(paths, "news", null, TimeProvider.System)!;
        Assert.Equal(new[] { 4, 5, 6 }, run.Status.UnsentBatches());
    }

    [Fact]
    public void A_manifest_that_names_no_export_blocks_every_export_resume_older_runs_but_not_newer_ones()
    {
        using var temp = new TempFolder();
        var (paths, olderRun, _) = StoppedAfterThreeImports(temp, "news", T0);
        var (_, damagedRun, damagedFolder) = StoppedAfterThreeImports(temp, "other", T0.AddMinutes(1));
        File.WriteAllText(Path.Combine(damagedFolder, RunStore.ManifestFileName), "{\"Ru");

        // The damaged run may be news's own latest run: news's older unfinished run is not taken instead.
        var ex = Assert.Throws<RunDamagedException>(() => ExportRun.OpenForResume(paths, "news", null, TimeProvider.System));
        Assert.Equal(damagedRun, ex.RunId);
        Assert.Equal(string.Empty, new RunStore(paths).Load(damagedRun)!.Manifest.ExportName);

        // A run of news newer than the damaged one is news's latest: it resumes.
        var (_, newerRun, _) = StoppedAfterThreeImports(temp, "news", T0.AddMinutes(2));
        using ExportRun run = ExportRun.OpenForResume(paths, "news", null, TimeProvider.System)!;
        Assert.Equal(newerRun, run.RunId);
        Assert.NotEqual(olderRun, run.RunId);
    }

    [Fact]
    public void A_damaged_run_is_kept_like_an_unfinished_one()
    {
        using var temp = new TempFolder();
        var (paths, runId, folder) = StoppedAfterThreeImports(temp);
        File.WriteAllText(Path.Combine(folder, RunJournal.FileName), string.Empty);
        StoredRun stored = new RunRetention(paths, TimeProvider.System).Find(runId)!;
        Assert.True(stored.IsUnfinished);
        Assert.True(stored.Status!.IsDamaged);
    }
}
