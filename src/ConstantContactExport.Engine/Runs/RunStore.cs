using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Runs;

/// <summary>Run folders: <c>runs/&lt;RunId&gt;/</c> with run.json, journal.jsonl, batches/ and rejects.csv.</summary>
public sealed class RunStore
{
    public const string ManifestFileName = "run.json";

    private readonly StoragePaths paths;

    public RunStore(StoragePaths paths)
    {
        this.paths = paths;
    }

    public string FolderOf(string runId) => Path.Combine(paths.Runs, CheckRunId(runId));

    private const string IdTimeFormat = "yyyyMMdd-HHmmss-fffffff";
    private const string OldIdTimeFormat = "yyyyMMdd-HHmmss";

    /// <summary>
    /// A new run id: its UTC start to the tick and a random suffix (20261128-231502-1234567-7f3a9c), so that ids
    /// sort in the order their runs started and two runs started at once (of two exports) still differ. An id
    /// made after <paramref name="after"/> (the export's latest run) sorts after it even when the clock is coarse
    /// or went back: runs of one export start one at a time, under its lock.
    /// </summary>
    public static string NewRunId(DateTimeOffset now, string? after = null)
    {
        DateTime at = now.UtcDateTime;
        if (after is not null && TimeOf(after) is DateTime last && at <= last)
        {
            at = last.AddTicks(1);
        }

        return at.ToString(IdTimeFormat, CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);
    }

    /// <summary>
    /// The UTC time a run id was made at: to the tick, or to the second for the ids of older versions
    /// (20261128-231502-7f3a9c); null for an id that holds none.
    /// </summary>
    public static DateTime? TimeOf(string runId)
    {
        foreach (string format in new[] { IdTimeFormat, OldIdTimeFormat })
        {
            if (runId.Length > format.Length && runId[format.Length] == '-'
                && DateTime.TryParseExact(runId.Substring(0, format.Length), format, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime at))
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>The export's latest run id (the one started last), or null when it has none.</summary>
    public string? LatestRunId(string exportName) => RunIds(exportName).LastOrDefault();

    /// <summary>
    /// Creates the run's folder and its manifest. The folders are the owner's alone (0700 on Linux and macOS): the
    /// staged bodies and the reject report hold personal data. On Windows the profile folder's ACL applies.
    /// </summary>
    public string Create(RunManifest manifest)
    {
        string folder = FolderOf(manifest.RunId);
        PrivateFiles.CreateFolder(paths.Runs);
        PrivateFiles.CreateFolder(folder);

        AtomicFile.Write(Path.Combine(folder, ManifestFileName), System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, ExportJsonContext.Default.RunManifest) + "\n"));
        return folder;
    }

    /// <summary>
    /// The run as its manifest and journal tell it, or null when there is no such run (no run.json: a kill before the
    /// run began). A run whose files cannot be trusted comes back <see cref="RunState.Damaged"/>, its Message naming the
    /// file and what to do: run.json unreadable, or a journal that is damaged, contradicts itself, or holds fewer
    /// entries than its mark recorded (emptied or cut).
    /// </summary>
    public RunStatus? Load(string runId)
    {
        string folder = FolderOf(runId);
        RunManifest? manifest = ReadManifest(folder, out string? manifestProblem);
        if (manifest is null)
        {
            return null;
        }

        var status = new RunStatus(manifest);
        if (manifestProblem is not null)
        {
            status.MarkDamaged(DamagedMessage(runId, manifest.ExportName, $"its manifest '{Path.Combine(folder, ManifestFileName)}' cannot be read ({manifestProblem})"));
            return status;
        }

        string journalPath = Path.Combine(folder, RunJournal.FileName);
        int read = 0;
        try
        {
            foreach (JournalEntry entry in RunJournal.Read(folder))
            {
                read++;
                status.Apply(entry);
            }

            if (RunJournal.RecordedEntries(folder) is int recorded && recorded > read)
            {
                status.MarkDamaged(DamagedMessage(runId, manifest.ExportName,
                    $"its journal '{journalPath}' holds {read} entries, fewer than the {recorded} it had recorded in {RunJournal.MarkFileName} (it was emptied or cut)"));
            }
        }
        catch (RunJournalContradictionException ex)
        {
            status.MarkDamaged(DamagedMessage(runId, manifest.ExportName, $"its journal '{journalPath}' contradicts the run at entry {read}: {ex.Message}"));
        }
        catch (InvalidDataException ex)
        {
            // A line that is not an entry, or a journal.mark that cannot be read: the message names the file.
            status.MarkDamaged(DamagedMessage(runId, manifest.ExportName, ex.Message.TrimEnd('.')));
        }

        return status;
    }

    /// <summary>What a damaged run's Message says: the file, that nothing more is sent, what the admin can do.</summary>
    private static string DamagedMessage(string runId, string exportName, string why) =>
        $"Run {runId}{(exportName.Length > 0 ? $" of export '{exportName}'" : string.Empty)} is damaged: {why}. What it sent cannot be known, "
        + "so it is not resumed and nothing more was sent. Restore the file from a backup and resume it, or remove the run "
        + $"(Remove-CCExportRun -RunId {runId} -Force) and start a new run: contacts it had imported are updated, not duplicated.";

    /// <summary>
    /// Run ids in the order the runs started, oldest first; only those of one export when a name is given. Ids sort by
    /// the time they hold; ids of older versions, which hold it to the second only, by their manifest's StartedAt within it.
    /// </summary>
    public IReadOnlyList<string> RunIds(string? exportName = null)
    {
        if (!Directory.Exists(paths.Runs))
        {
            return Array.Empty<string>();
        }

        var runs = new List<(string Id, DateTime Time, DateTimeOffset Started)>();
        foreach (string folder in Directory.EnumerateDirectories(paths.Runs))
        {
            string id = Path.GetFileName(folder);
            if (!IsRunId(id))
            {
                continue; // a run being deleted (RunRetention: '.'-named), or a folder someone else put there
            }

            RunManifest? manifest = null;
            bool oldId = id.Length < IdTimeFormat.Length + 2 || TimeOf(id) is not DateTime t || t.Ticks % TimeSpan.TicksPerSecond == 0;
            if (exportName is not null || oldId)
            {
                manifest = ReadManifest(folder);
            }

            if (exportName is null || string.Equals(manifest?.ExportName, exportName, StringComparison.OrdinalIgnoreCase))
            {
                DateTime time = TimeOf(id) ?? DateTime.MinValue;
                runs.Add((id, time, oldId ? manifest?.StartedAt ?? DateTimeOffset.MinValue : DateTimeOffset.MinValue));
            }
        }

        return runs
            .OrderBy(r => r.Time)
            .ThenBy(r => r.Started)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => r.Id)
            .ToList();
    }

    /// <summary>
    /// A run folder's manifest; null when it has none. One that cannot be read (cut, not JSON, not this folder's run)
    /// comes back as what can be salvaged (the run id, and the export's name when the text before the damage holds it,
    /// else empty) with the problem in <paramref name="problem"/>.
    /// </summary>
    internal static RunManifest? ReadManifest(string folder, out string? problem)
    {
        problem = null;
        string manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        string runId = Path.GetFileName(folder);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(manifestPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = ex.Message;
            return new RunManifest { RunId = runId };
        }

        try
        {
            RunManifest? manifest = JsonSerializer.Deserialize(bytes, ExportJsonContext.Default.RunManifest);
            problem = manifest is null ? "it is empty"
                : manifest.RunId != runId ? $"it is the manifest of run '{manifest.RunId}'"
                : string.IsNullOrEmpty(manifest.ExportName) ? "it names no export"
                : null;
            if (problem is null)
            {
                return manifest;
            }
        }
        catch (JsonException ex)
        {
            problem = bytes.Length == 0 ? "it is empty" : $"it is not whole JSON: {ex.Message}";
        }

        return new RunManifest { RunId = runId, ExportName = SalvageExportName(bytes) ?? string.Empty };
    }

    /// <summary>The ExportName a damaged manifest's text holds before the damage, if any.</summary>
    private static string? SalvageExportName(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("ExportName")
                    && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    string? name = reader.GetString();
                    return SafeName.Problem(name) is null ? name : null;
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static RunManifest? ReadManifest(string folder) => ReadManifest(folder, out _);

    private static bool IsRunId(string name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsLetterOrDigit(c) || c == '-');

    private static string CheckRunId(string runId)
    {
        if (!IsRunId(runId))
        {
            throw new ArgumentException($"'{Profiles.TextChecks.Printable(runId ?? string.Empty)}' is not a run id (letters, digits and '-').");
        }

        return runId;
    }
}
