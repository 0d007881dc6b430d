using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// How long run folders (journal, run.json, the default reject report, bodies kept for -Resume) stay: an
/// export's runs idle for more than its RetainDays are pruned when a new run of it is about to send (unfinished ones
/// only once Constant Contact no longer keeps their imports' statuses), and Remove-CCExportRun and
/// Remove-CCExport delete them on demand. A run's age counts from its last journal line (when it last did
/// anything: ended, stopped), so a run resumed yesterday is young. A reject report written to a -RejectPath of the
/// user's is the user's file: never deleted here (a later run may have written the same path).
/// </summary>
public sealed class RunRetention
{
    /// <summary>Folders being deleted are renamed to this prefix first, so that a half-deleted run is never listed.</summary>
    internal const string RemovingPrefix = ".removing-";

    /// <summary>The activity ids of deleted runs, one a line (no personal data).</summary>
    internal const string DeletedActivitiesFileName = ".deleted-run-activities";

    /// <summary>How many of those are kept: far more than the 50 latest activities a lookup of an import in doubt reads.</summary>
    private const int DeletedActivitiesKept = 10_000;

    private readonly StoragePaths paths;
    private readonly RunStore store;
    private readonly TimeProvider time;

    public RunRetention(StoragePaths paths, TimeProvider time)
    {
        this.paths = paths;
        store = new RunStore(paths);
        this.time = time;
    }

    /// <summary>Takes an export's lock at once, so that no run of it starts or goes on while its runs are deleted.</summary>
    /// <exception cref="ExportRunningException">A run of the export holds the lock.</exception>
    public static IDisposable LockExport(StoragePaths paths, string exportName) => ExportRun.TakeLock(paths, exportName);

    /// <summary>The runs on disk, oldest first; only one export's when a name is given.</summary>
    public IReadOnlyList<StoredRun> Runs(string? exportName = null) => store.RunIds(exportName).Select(Describe).ToList();

    /// <summary>One run, or null when there is no folder of that id.</summary>
    /// <exception cref="ArgumentException">The text is not a run id.</exception>
    public StoredRun? Find(string runId) => Directory.Exists(store.FolderOf(runId)) ? Describe(runId) : null;

    /// <summary>
    /// Constant Contact keeps an import's activity status this long: until then an unfinished run can still be
    /// resumed and its imports checked, so it is never pruned younger than this, whatever RetainDays says.
    /// </summary>
    public static readonly TimeSpan UnfinishedKept = TimeSpan.FromDays(10);

    /// <summary>
    /// Deletes the export's runs idle for more than <paramref name="retainDays"/> days (0: every run before this
    /// one), unfinished ones included once idle for more than <see cref="UnfinishedKept"/> too: a run nobody resumed
    /// in that time holds personal data for nothing. The caller holds the export's lock (a run starting), so none of
    /// them is running. A folder that cannot be deleted now is tried again by the next run. Returns the ids deleted.
    /// </summary>
    /// <param name="exportName">The export whose runs are pruned.</param>
    /// <param name="retainDays">The export's RetainDays.</param>
    /// <param name="except">The run that prunes (never pruned itself).</param>
    public IReadOnlyList<string> Prune(string exportName, int retainDays, string? except = null)
    {
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset cutoff = now - TimeSpan.FromDays(retainDays);
        DateTimeOffset unfinishedCutoff = now - UnfinishedKept;
        var pruned = new List<string>();
        foreach (StoredRun run in Runs(exportName).Where(r => r.RunId != except && r.LastActivity <= cutoff && (!r.IsUnfinished || r.LastActivity <= unfinishedCutoff)))
        {
            try
            {
                Delete(run);
                pruned.Add(run.RunId);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Busy (Windows) or not ours to delete: the next run tries again.
            }
        }

        SweepRemoving();
        return pruned;
    }

    /// <summary>
    /// The activity ids of runs deleted on this machine. A run that resumes an import in doubt takes the oldest
    /// activity created since that no run claims for its own (<see cref="Sending.RunSender"/>); a deleted run's
    /// activities must still count as claimed, or it could take one of them and never send its batch.
    /// </summary>
    public static IReadOnlyCollection<string> DeletedActivityIds(StoragePaths paths)
    {
        string path = Path.Combine(paths.Runs, DeletedActivitiesFileName);
        return File.Exists(path)
            ? new HashSet<string>(File.ReadAllLines(path).Where(l => l.Length > 0), StringComparer.Ordinal)
            : (IReadOnlyCollection<string>)Array.Empty<string>();
    }

    /// <summary>Deletes a run's folder: its journal, manifest, bodies and default reject report. Its activity ids are remembered first.</summary>
    public void Delete(StoredRun run)
    {
        if (!Directory.Exists(run.Folder))
        {
            return;
        }

        if (run.Status is { } status && status.ActivityIds.Count > 0)
        {
            RememberActivities(status.ActivityIds);
        }

        string removing = Path.Combine(paths.Runs, RemovingPrefix + run.RunId);
        if (Directory.Exists(removing))
        {
            Directory.Delete(removing, recursive: true);
        }

        Directory.Move(run.Folder, removing);
        Directory.Delete(removing, recursive: true);
    }

    private void RememberActivities(IReadOnlyList<string> activityIds)
    {
        // Two processes may delete runs at once (two exports starting): one writer at a time.
        using CrossProcessLock fileLock = CrossProcessLock.AcquireAsync(
            CrossProcessLock.PathFor(paths, "deleted-run-activities"), TimeSpan.FromSeconds(30), TimeProvider.System, System.Threading.CancellationToken.None).GetAwaiter().GetResult();
        string path = Path.Combine(paths.Runs, DeletedActivitiesFileName);
        IEnumerable<string> known = File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0) : Enumerable.Empty<string>();
        List<string> kept = known.Concat(activityIds).ToList();
        kept = kept.Skip(Math.Max(0, kept.Count - DeletedActivitiesKept)).ToList();
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(string.Join("\n", kept) + "\n"));
    }

    private void SweepRemoving()
    {
        if (!Directory.Exists(paths.Runs))
        {
            return;
        }

        foreach (string folder in Directory.EnumerateDirectories(paths.Runs, RemovingPrefix + "*"))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private StoredRun Describe(string runId)
    {
        string folder = store.FolderOf(runId);
        RunStatus? status = null;
        DateTimeOffset? last = null;
        try
        {
            status = store.Load(runId);
            last = RunJournal.Read(folder).Select(e => (DateTimeOffset?)e.At).Max() ?? status?.Manifest.StartedAt;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            // A damaged run: its age is its folder's.
        }

        string? exportName = string.IsNullOrEmpty(status?.Manifest.ExportName) ? null : status!.Manifest.ExportName;
        return new StoredRun(runId, exportName, folder, status, last ?? new DateTimeOffset(Directory.GetLastWriteTimeUtc(folder), TimeSpan.Zero));
    }
}

/// <summary>A run folder on disk.</summary>
/// <param name="RunId">The run's id (its folder's name).</param>
/// <param name="ExportName">The export it is a run of; null when its manifest cannot be read.</param>
/// <param name="Folder">Its folder.</param>
/// <param name="Status">What its manifest and journal tell; null when they cannot be read.</param>
/// <param name="LastActivity">Its last journal line's time (its start, or its folder's time, when it has none).</param>
public sealed record StoredRun(string RunId, string? ExportName, string Folder, RunStatus? Status, DateTimeOffset LastActivity)
{
    /// <summary>
    /// True when -Resume could still go on with it (or -Refresh complete it), or when it is damaged: what it sent is not
    /// known, so it is kept like an unfinished run and removed on demand only with -Force.
    /// </summary>
    public bool IsUnfinished => Status is { } status && (status.IsUnfinished || status.IsDamaged);
}
