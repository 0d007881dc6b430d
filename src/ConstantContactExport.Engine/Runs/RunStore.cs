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

    /// <summary>A new, sortable run id: UTC time and a random suffix (20261128-231502-7f3a9c).</summary>
    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);

    /// <summary>
    /// Creates the run's folder and its manifest. The folders are the owner's alone (0700 on Linux and macOS): the
    /// staged bodies and the reject report hold personal data. On Windows the profile folder's ACL applies.
    /// </summary>
    public string Create(RunManifest manifest)
    {
        string folder = FolderOf(manifest.RunId);
        if (AtomicFile.IsWindows)
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            UnixFileSystem.CreatePrivateDirectory(paths.Runs, UnixFileSystem.OwnerAll);
            UnixFileSystem.CreatePrivateDirectory(folder, UnixFileSystem.OwnerAll);
        }

        AtomicFile.WriteAllText(Path.Combine(folder, ManifestFileName), JsonSerializer.Serialize(manifest, ExportJsonContext.Default.RunManifest) + "\n");
        return folder;
    }

    /// <summary>The run as its manifest and journal tell it, or null when there is no such run.</summary>
    public RunStatus? Load(string runId)
    {
        string folder = FolderOf(runId);
        string manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        RunManifest manifest = JsonSerializer.Deserialize(File.ReadAllText(manifestPath), ExportJsonContext.Default.RunManifest)
            ?? throw new InvalidDataException($"The run manifest '{manifestPath}' is empty.");
        var status = new RunStatus(manifest);
        foreach (JournalEntry entry in RunJournal.Read(folder))
        {
            status.Apply(entry);
        }

        return status;
    }

    /// <summary>Run ids, oldest first; only those of one export when a name is given.</summary>
    public IReadOnlyList<string> RunIds(string? exportName = null)
    {
        if (!Directory.Exists(paths.Runs))
        {
            return Array.Empty<string>();
        }

        var ids = new List<string>();
        foreach (string folder in Directory.EnumerateDirectories(paths.Runs).OrderBy(f => f, StringComparer.Ordinal))
        {
            string id = Path.GetFileName(folder);
            if (exportName is null || string.Equals(ReadExportName(folder), exportName, StringComparison.OrdinalIgnoreCase))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static string? ReadExportName(string folder)
    {
        string manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(manifestPath), ExportJsonContext.Default.RunManifest)?.ExportName;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string CheckRunId(string runId)
    {
        if (string.IsNullOrEmpty(runId) || runId.Any(c => !(char.IsLetterOrDigit(c) || c == '-')) || runId.Length > 64)
        {
            throw new ArgumentException($"'{runId}' is not a run id (letters, digits and '-').");
        }

        return runId;
    }
}
