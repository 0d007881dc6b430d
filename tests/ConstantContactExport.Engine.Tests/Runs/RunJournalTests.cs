using System;
using System.IO;
using System.Linq;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Tests.Runs;

public sealed class RunJournalTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Replaying_the_journal_gives_the_run()
    {
        using var temp = new TempFolder();
        var store = new RunStore(new StoragePaths(temp.Path));
        string runId = RunStore.NewRunId(T0);
        string folder = store.Create(new RunManifest { RunId = runId, ExportName = "news", Connection = "prod", StartedAt = T0 });
        using (var journal = RunJournal.Open(folder))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Staged, At = T0, InputCount = 10, OutOfSegmentCount = 1, InvalidCount = 2, DuplicateCount = 3, SubmittedCount = 4, BatchCount = 3, BatchContacts = new() { 2, 1, 1 } });
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = T0, Batch = 1 });
            journal.Append(new JournalEntry { Type = JournalEntryType.Submitted, At = T0, Batch = 1, ActivityId = "a1" });
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = T0, Batch = 2 });
            journal.Append(new JournalEntry { Type = JournalEntryType.ActivityDone, At = T0, ActivityId = "a1", ActivityState = "completed", PersonCount = 2, ErrorCount = 0 });
        }

        RunStatus status = store.Load(runId)!;
        Assert.Equal(RunState.Sending, status.State);
        Assert.Equal((10L, 4L, 3), (status.InputCount, status.SubmittedCount, status.BatchCount));
        Assert.Equal(new[] { "a1" }, status.ActivityIds);
        Assert.True(status.IsInDoubt(2));
        Assert.False(status.IsInDoubt(3));
        Assert.Equal(new[] { 2, 3 }, status.UnsentBatches());
        Assert.Empty(status.PendingActivities());
        Assert.Equal(2, status.ImportedCount);
        Assert.True(status.IsUnfinished);
        Assert.Equal(new[] { runId }, store.RunIds("NEWS"));
        Assert.Empty(store.RunIds("other"));
    }

    [Fact]
    public void A_torn_last_line_is_skipped_and_cut_before_the_next_entry()
    {
        using var temp = new TempFolder();
        using (var journal = RunJournal.Open(temp.Path))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = T0, Batch = 1 });
        }

        File.AppendAllText(Path.Combine(temp.Path, RunJournal.FileName), "{\"Type\":\"Submitted\",\"Bat");
        Assert.Single(RunJournal.Read(temp.Path));
        using (var journal = RunJournal.Open(temp.Path))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = T0, Batch = 2 });
        }

        Assert.Equal(new int?[] { 1, 2 }, RunJournal.Read(temp.Path).Select(e => e.Batch));
    }

    [Fact]
    public void A_whole_entry_without_its_newline_counts_for_nothing_when_read_and_when_reopened()
    {
        // A process killed between the entry's bytes and its '\n' (an entry longer than the stream's buffer is
        // written in two calls) leaves valid JSON with no line end. Reading and reopening must agree on it: a
        // resume that replays it but then cuts it from the file would act on a step the journal no longer holds.
        using var temp = new TempFolder();
        using (var journal = RunJournal.Open(temp.Path))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = T0, Batch = 1 });
        }

        File.AppendAllText(Path.Combine(temp.Path, RunJournal.FileName), "{\"Type\":\"Submitted\",\"Batch\":1,\"ActivityId\":\"a1\"}");
        var before = RunJournal.Read(temp.Path);
        using (RunJournal.Open(temp.Path))
        {
        }

        var after = RunJournal.Read(temp.Path);
        Assert.Equal(before.Select(e => e.Type), after.Select(e => e.Type));
        Assert.Single(after);
    }

    [Fact]
    public void Any_cut_of_the_file_reads_as_a_prefix_of_the_entries_and_reopens_to_the_same()
    {
        // A kill can stop the file at any byte: what is read is always the entries whose line end made it, and
        // opening the journal again (as -Resume does) changes nothing that reading saw.
        using var temp = new TempFolder();
        using (var journal = RunJournal.Open(temp.Path))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Staged, At = T0, BatchCount = 30, BatchContacts = Enumerable.Repeat(40000, 30).ToList() });
            for (int b = 1; b <= 3; b++)
            {
                journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = T0, Batch = b });
                journal.Append(new JournalEntry { Type = JournalEntryType.Submitted, At = T0, Batch = b, ActivityId = "a" + b });
            }
        }

        string path = Path.Combine(temp.Path, RunJournal.FileName);
        byte[] whole = File.ReadAllBytes(path);
        var all = RunJournal.Read(temp.Path);
        for (int cut = 0; cut <= whole.Length; cut++)
        {
            File.WriteAllBytes(path, whole.AsSpan(0, cut).ToArray());
            int lineEnds = whole.AsSpan(0, cut).Count((byte)'\n');
            var read = RunJournal.Read(temp.Path);
            Assert.Equal(lineEnds, read.Count);
            Assert.Equal(all.Take(lineEnds).Select(e => (e.Type, e.Batch)), read.Select(e => (e.Type, e.Batch)));
            using (RunJournal.Open(temp.Path))
            {
            }

            Assert.Equal(read.Count, RunJournal.Read(temp.Path).Count);
        }
    }

    [Fact]
    public void A_damaged_line_in_the_middle_is_an_error_naming_the_file()
    {
        using var temp = new TempFolder();
        File.WriteAllText(Path.Combine(temp.Path, RunJournal.FileName), "{\"Type\":\"Sending\",\"Batch\":1}\nnot json\n{\"Type\":\"Sending\",\"Batch\":2}\n");
        var ex = Assert.Throws<InvalidDataException>(() => RunJournal.Read(temp.Path));
        Assert.Contains(RunJournal.FileName, ex.Message);
        Assert.Contains("line 2", ex.Message);
    }

    [Fact]
    public void Run_folders_hold_personal_data_so_only_the_owner_may_enter_them()
    {
        // Staged bodies and the reject report carry every profile's address and fields.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder();
        var paths = new StoragePaths(temp.Path);
        Directory.CreateDirectory(paths.Runs);
        File.SetUnixFileMode(paths.Runs, (UnixFileMode)0x1ED); // 0755, as an older version or the umask left it
        string folder = new RunStore(paths).Create(new RunManifest { RunId = RunStore.NewRunId(T0), ExportName = "news", StartedAt = T0 });
        const UnixFileMode groupAndOthers = (UnixFileMode)0x3F;
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(paths.Runs) & groupAndOthers);
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(folder) & groupAndOthers);
    }

    [Fact]
    public void Run_ids_sort_by_time_and_refuse_paths()
    {
        Assert.True(string.CompareOrdinal(RunStore.NewRunId(T0), RunStore.NewRunId(T0.AddSeconds(1))) < 0);
        var store = new RunStore(new StoragePaths(Path.GetTempPath()));
        Assert.Throws<ArgumentException>(() => store.FolderOf("../x"));
    }
}
