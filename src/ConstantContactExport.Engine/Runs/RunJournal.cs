using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// A run's write-ahead journal, journal.jsonl: one JSON object a line, appended and flushed to disk before
/// the step it records is taken (Sending) or as soon as it is known (Submitted). An entry counts once its line
/// end is in the file: a process killed mid-write leaves at most an unterminated last line, which reading skips
/// and opening cuts, so the two always agree; a damaged line anywhere else is corruption and is said.
/// After each entry that precedes a request or ends a step (Staged, BatchStaged, Sending, State) the count of
/// entries is also written to journal.mark (atomically): a lower bound of what the journal holds, so a journal
/// later emptied or cut short of it reads as damaged (<see cref="RecordedEntries"/>), never as "nothing sent".
/// </summary>
public sealed class RunJournal : IDisposable
{
    public const string FileName = "journal.jsonl";

    /// <summary>The number of entries the journal held when it last recorded it (plain text, one number).</summary>
    public const string MarkFileName = "journal.mark";

    private static readonly JsonSerializerOptions LineOptions = new(ExportJsonContext.Default.Options) { WriteIndented = false };
    private static readonly ExportJsonContext LineContext = new(LineOptions);

    private readonly FileStream stream;
    private int entries;

    private RunJournal(string path, FileStream stream, int entries)
    {
        Path = path;
        this.stream = stream;
        this.entries = entries;
    }

    public string Path { get; }

    /// <summary>
    /// Called with the run, under its lock, just before a line that ends it for good is written; a sentence it returns
    /// is added to that line's message. The run's sync state is recorded here (<see cref="RunSyncRecorder"/>).
    /// </summary>
    public Func<RunStatus, string?>? BeforeEnd { get; set; }

    /// <summary>Opens the journal for appending (created if need be).</summary>
    public static RunJournal Open(string runFolder)
    {
        string path = System.IO.Path.Combine(runFolder, FileName);
        FileStream stream = PrivateFiles.OpenOrCreate(path, FileShare.Read);
        TrimTornTail(stream);
        stream.Seek(0, SeekOrigin.End);
        int count = stream.Length == 0 ? 0 : Read(runFolder).Count;
        return new RunJournal(path, stream, count);
    }

    public void Append(JournalEntry entry)
    {
        // The entry and its line end in one write: an entry longer than the stream's buffer would otherwise reach
        // the file in two, and a kill between them would leave a whole entry without its line end.
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(entry, LineContext.JournalEntry);
        byte[] line = new byte[json.Length + 1];
        Buffer.BlockCopy(json, 0, line, 0, json.Length);
        line[json.Length] = (byte)'\n';
        stream.Write(line, 0, line.Length);
        stream.Flush(flushToDisk: true);
        entries++;
        if (entry.Type is JournalEntryType.Staged or JournalEntryType.BatchStaged or JournalEntryType.Sending or JournalEntryType.State
            or JournalEntryType.OutsidersRead or JournalEntryType.LearningIds or JournalEntryType.RemovePlanned or JournalEntryType.RemoveSending)
        {
            WriteMark();
        }
    }

    /// <summary>
    /// The count journal.mark holds: the journal had at least this many entries. Null when there is no mark (a run
    /// from before, or one killed before its first mark).
    /// </summary>
    /// <exception cref="InvalidDataException">The mark cannot be read.</exception>
    public static int? RecordedEntries(string runFolder)
    {
        string path = System.IO.Path.Combine(runFolder, MarkFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        string text = File.ReadAllText(path, Encoding.UTF8).Trim();
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count)
            ? count
            : throw new InvalidDataException($"The journal mark '{path}' cannot be read.");
    }

    /// <summary>
    /// Written after the entry is on disk, so the mark never counts more than the journal holds. A mark that cannot be
    /// written (a full disk) leaves the last one, which is still a lower bound: the entry stands, the run goes on.
    /// </summary>
    private void WriteMark()
    {
        string mark = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, MarkFileName);
        try
        {
            AtomicFile.Write(mark, Encoding.ASCII.GetBytes(entries.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Appends <paramref name="entry"/> and applies it to <paramref name="status"/>, the run it tells, as one step.
    /// While a run sends as it stages, the staging and the sender both journal: the status is the lock, so that a
    /// writer may also hold it to decide on the status and record in one step. Bodies the entry makes unneeded are
    /// deleted right after it is on disk (<see cref="StagedBodies"/>).
    /// </summary>
    public void Record(JournalEntry entry, RunStatus status)
    {
        lock (status)
        {
            if (entry.Type == JournalEntryType.State && StagedBodies.IsFinal(entry.State) && !StagedBodies.IsFinal(status.State) && BeforeEnd?.Invoke(status) is string note)
            {
                entry.Message = entry.Message is null ? note : entry.Message + " " + note;
            }

            Append(entry);
            status.Apply(entry);
            StagedBodies.AfterRecorded(System.IO.Path.GetDirectoryName(Path)!, entry, status);
        }
    }

    /// <summary>Every whole entry in a journal file.</summary>
    public static List<JournalEntry> Read(string runFolder)
    {
        string path = System.IO.Path.Combine(runFolder, FileName);
        var entries = new List<JournalEntry>();
        if (!File.Exists(path))
        {
            return entries;
        }

        // The text after the last line end (if any) is a torn entry: the process died while writing it, so the step
        // it announced never began, even when its JSON happens to be whole. Open cuts it the same way.
        string[] lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        for (int i = 0; i < lines.Length - 1; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                JournalEntry? entry = JsonSerializer.Deserialize(line, LineContext.JournalEntry);
                if (entry is not null)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"The run journal '{path}' is damaged at line {i + 1}: {ex.Message}", ex);
            }
        }

        return entries;
    }

    public void Dispose() => stream.Dispose();

    /// <summary>Cuts a torn last line (no newline at the end) so that the next entry starts on a line of its own.</summary>
    private static void TrimTornTail(FileStream stream)
    {
        long length = stream.Length;
        if (length == 0)
        {
            return;
        }

        stream.Seek(length - 1, SeekOrigin.Begin);
        if (stream.ReadByte() == '\n')
        {
            return;
        }

        long position = length - 1;
        while (position > 0)
        {
            stream.Seek(position - 1, SeekOrigin.Begin);
            if (stream.ReadByte() == '\n')
            {
                break;
            }

            position--;
        }

        stream.SetLength(position);
        stream.Flush(flushToDisk: true);
    }
}
