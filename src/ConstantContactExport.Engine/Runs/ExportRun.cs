using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// One run of an export, from its lock to its last journal line: stage the profiles, send,
/// wait. It holds the export's lock (a second run fails fast) and the journal for as long as it lives.
/// </summary>
public sealed class ExportRun : IDisposable
{
    private readonly StoragePaths paths;
    private readonly RunStore store;
    private readonly CrossProcessLock exportLock;
    private readonly TimeProvider time;
    private ExportStaging? staging;
    private RunJournal? journal;
    private StagedBatchFeed? feed;

    // The sync state this process loaded for staging, if any: the removals and the recorder use it rather than load
    // a second and a third copy (40 MB a million contacts). The export's lock keeps the file as it was.
    private SyncState? loadedState;
    private RunSyncRecorder.PreparedState? preparedState;

    // The contacts in each body the staging made, for what a run that failed before it was staged had sent.
    private readonly Dictionary<int, int> stagedContacts = new();

    private ExportRun(StoragePaths paths, CrossProcessLock exportLock, TimeProvider time, RunStatus status, string folder)
    {
        this.paths = paths;
        store = new RunStore(paths);
        this.exportLock = exportLock;
        this.time = time;
        Status = status;
        Folder = folder;
    }

    public RunStatus Status { get; private set; }

    public string Folder { get; }

    public string RunId => Status.Manifest.RunId;

    /// <summary>The staging, while profiles are being added.</summary>
    public ExportStaging Staging => staging ?? throw new InvalidOperationException("The run is not staging.");

    /// <summary>The export's sync state as this process loaded it for staging (the export's lock keeps the file so), or null.</summary>
    internal SyncState? LoadedState => loadedState;

    /// <summary>Starts a new run of an export: takes its lock and creates its folder and manifest.</summary>
    /// <exception cref="ExportRunningException">Another run of the export holds the lock.</exception>
    public static ExportRun Start(
        StoragePaths paths,
        ExportDefinition definition,
        IReadOnlyList<string>? inputSegments,
        IReadOnlyList<string> sources,
        string? rejectPath,
        bool whatIf,
        string? startedBy,
        TimeProvider time,
        ImportBatchLimits? limits = null,
        string? encoding = null,
        CsvReadOptions? csv = null,
        int? maxRejectPercent = null,
        bool full = false,
        SyncState? syncState = null,
        bool force = false)
    {
        CrossProcessLock exportLock = TakeLock(paths, definition.Name);
        string? created = null;
        try
        {
            DateTimeOffset now = time.GetUtcNow();
            var store = new RunStore(paths);
            string runId = RunStore.NewRunId(now, store.LatestRunId(definition.Name));
            string folder = store.FolderOf(runId);
            var manifest = new RunManifest
            {
                RunId = runId,
                ExportName = definition.Name,
                Connection = definition.Connection,
                ListIds = definition.ListIds.ToList(),
                ListNames = definition.ListNames.Count == definition.ListIds.Count && definition.ListNames.Count > 0 ? definition.ListNames.ToList() : null,
                ListMap = definition.ListMap?.Select(e => new ListMapEntry { Segment = e.Segment, ListId = e.ListId, ListName = e.ListName }).ToList(),
                StartedAt = now,
                StartedBy = startedBy,
                RejectPath = Path.GetFullPath(rejectPath ?? Path.Combine(folder, ExportStaging.RejectFileName)),
                WhatIf = whatIf,
                MaxProfiles = definition.MaxProfiles,
                Sources = sources.ToList(),
                InputSegments = inputSegments?.ToList(),
                Encoding = encoding,
                Delimiter = csv?.Delimiter,
                Header = csv?.Header?.ToList(),
                MaxRejectPercent = maxRejectPercent,
                BatchLimits = limits ?? ImportBatchLimits.Default,
                Full = full,
                RemoveMissing = definition.RemoveMissing,
                MaxRemovePercent = definition.MaxRemovePercent,
                Force = force,
            };
            PrivateFiles.CheckNotLink(manifest.RejectPath);
            store.Create(manifest);
            created = folder;
            var run = new ExportRun(paths, exportLock, time, new RunStatus(manifest), folder);
            try
            {
                run.journal = run.OpenJournal();
                run.loadedState = syncState;
                run.staging = new ExportStaging(definition.ToMapping(), manifest.ListIds, folder, inputSegments, manifest.RejectPath, limits, run.NewSyncStaging(syncState), manifest.ListMap);
                run.staging.OnBatchCompleted(run.NoteStaged);
            }
            catch
            {
                run.journal?.Dispose();
                throw;
            }

            return run;
        }
        catch
        {
            // A run that could not start leaves no folder behind: -Resume would take it for an unfinished run.
            if (created is not null)
            {
                try
                {
                    Directory.Delete(created, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }

            exportLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes the export's runs idle for more than <paramref name="retainDays"/> (never this one, nor an unfinished
    /// one that could still be resumed: see <see cref="RunRetention.Prune"/>). The runner calls it once this run is
    /// about to send: never for -WhatIf, nor for a run whose input or parameters failed their checks.
    /// </summary>
    public IReadOnlyList<string> PruneOlderRuns(int retainDays) =>
        new RunRetention(paths, time).Prune(Status.Manifest.ExportName, retainDays, RunId);

    /// <summary>
    /// What the run has sent, for a message about a run that ends without sending more: "Nothing was sent." or how
    /// many contacts in how many imports went out (they cannot be recalled).
    /// </summary>
    public string SentSoFar()
    {
        RunStatus status = Status;
        IEnumerable<int> candidates = status.IsStaged ? Enumerable.Range(1, status.BatchCount) : status.BodyHashes.Keys;
        var sent = candidates.Where(b => status.ActivityOf(b) is not null || status.IsInDoubt(b)).ToList();
        if (sent.Count == 0)
        {
            return "Nothing was sent.";
        }

        long contacts = 0;
        bool allKnown = true;
        lock (stagedContacts)
        {
            foreach (int batch in sent)
            {
                if (status.IsStaged && batch <= status.BatchContacts.Count)
                {
                    contacts += status.BatchContacts[batch - 1];
                }
                else if (stagedContacts.TryGetValue(batch, out int n))
                {
                    contacts += n;
                }
                else
                {
                    allKnown = false;
                }
            }
        }

        string what = allKnown ? $"{contacts} contacts in {sent.Count} import(s)" : $"{sent.Count} import(s)";
        return $"{what} had already been sent and cannot be recalled (see the run's ActivityIds); nothing more was sent.";
    }

    private void NoteStaged(ImportBatch batch)
    {
        lock (stagedContacts)
        {
            stagedContacts[batch.Number] = batch.ContactCount;
        }
    }

    /// <summary>
    /// Opens an unfinished run to go on with it: the given one, or the export's latest unfinished one. Null
    /// when there is none.
    /// </summary>
    /// <exception cref="RunDamagedException">The run, or a run newer than the export's latest unfinished one that may be
    /// the export's (its manifest cannot say), is damaged: what it sent is not known.</exception>
    public static ExportRun? OpenForResume(StoragePaths paths, string exportName, string? runId, TimeProvider time)
    {
        CrossProcessLock exportLock = TakeLock(paths, exportName);
        try
        {
            var store = new RunStore(paths);
            RunStatus? status = runId is not null ? store.Load(runId) : LatestUnfinished(store, exportName);
            if (status is { IsDamaged: true } && (status.Manifest.ExportName.Length == 0 || IsOf(status, exportName)))
            {
                throw new RunDamagedException(status);
            }

            if (status is null || !IsOf(status, exportName))
            {
                exportLock.Dispose();
                return null;
            }

            string folder = store.FolderOf(status.Manifest.RunId);
            var run = new ExportRun(paths, exportLock, time, status, folder);
            run.journal = run.OpenJournal();
            return run;
        }
        catch
        {
            exportLock.Dispose();
            throw;
        }
    }

    private static bool IsOf(RunStatus status, string exportName) =>
        string.Equals(status.Manifest.ExportName, exportName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The export's latest unfinished run, newest first; a damaged run met on the way that is the export's, or whose
    /// export cannot be read, is returned as it is (it may be the run to resume), never passed over.
    /// </summary>
    private static RunStatus? LatestUnfinished(RunStore store, string exportName)
    {
        foreach (string id in store.RunIds().Reverse())
        {
            RunManifest? manifest = RunStore.ReadManifest(store.FolderOf(id), out _);
            if (manifest is null || (manifest.ExportName.Length > 0 && !string.Equals(manifest.ExportName, exportName, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            RunStatus? status = store.Load(id);
            if (status is not null && (status.IsDamaged || status.IsUnfinished))
            {
                return status;
            }
        }

        return null;
    }

    /// <summary>The CSV files of a run that died while staging, when they can be staged again; null otherwise (pipeline input is not kept).</summary>
    public IReadOnlyList<string>? RestageableFiles =>
        !Status.IsStaged && Status.Manifest.Sources.Count > 0 && Status.Manifest.Sources.All(s => Path.IsPathRooted(s) && File.Exists(s))
            ? Status.Manifest.Sources
            : null;

    /// <summary>
    /// Starts staging again in the run's folder, for a run that died while staging: its bodies and reject report
    /// are made anew from the same files, with the body bounds it started with (<paramref name="limits"/> only for a
    /// run whose manifest does not say). Bodies it had sent while staging are checked by <see cref="CompleteStaging"/>,
    /// as is what <paramref name="syncState"/> (the export's sync state, or null to send every profile: the runner
    /// passes null for a -Full run) decides.
    /// </summary>
    public ExportStaging RestartStaging(ExportDefinition definition, ImportBatchLimits? limits = null, SyncState? syncState = null)
    {
        limits = Status.Manifest.BatchLimits ?? limits;
        if (Status.IsStaged)
        {
            throw new InvalidOperationException("The run is staged already.");
        }

        string batches = Path.Combine(Folder, ExportStaging.BatchFolderName);
        if (Directory.Exists(batches))
        {
            Directory.Delete(batches, recursive: true);
        }

        loadedState = syncState;
        staging = new ExportStaging(definition.ToMapping(), Status.Manifest.ListIds, Folder, Status.Manifest.InputSegments, Status.Manifest.RejectPath, limits, NewSyncStaging(syncState), Status.Manifest.ListMap);
        staging.OnBatchCompleted(NoteStaged);
        return staging;
    }

    /// <summary>
    /// Hands each body to a feed as soon as the staging finishes it, for <see cref="SendWhileStagingAsync"/>. Only for
    /// a new run whose input cannot hold more than MaxProfiles and that needs no confirmation: whatever is sent
    /// while staging goes on cannot be taken back.
    /// </summary>
    public void FeedBatchesAsStaged()
    {
        if (Status.IsStaged || Status.BodyHashes.Count > 0 || Status.AnySent)
        {
            throw new InvalidOperationException("Only a new run can send while it stages.");
        }

        StagedBatchFeed fed = feed = new StagedBatchFeed();
        Staging.OnBatchCompleted(batch =>
        {
            NoteStaged(batch);
            fed.Add(batch);
        });
    }

    /// <summary>Sends the bodies as <see cref="FeedBatchesAsStaged"/> hands them over, then waits (unless noWait): see <see cref="RunSender.SendWhileStagingAsync"/>.</summary>
    public Task<RunState> SendWhileStagingAsync(IImportApi api, ISendGate gate, bool noWait, Action<SenderEvent>? tell, CancellationToken cancellationToken, RunDeadline? deadline = null) =>
        new RunSender(api, time, tell, deadline).SendWhileStagingAsync(
            SendContext(), feed ?? throw new InvalidOperationException("FeedBatchesAsStaged comes first."), gate, noWait, cancellationToken);

    /// <summary>Ends the feed without staging (the staging failed or was stopped): the sender stops taking bodies.</summary>
    public void AbandonFeed() => feed?.Complete();

    /// <summary>
    /// Closes staging and journals the ledger and the batches: from here the run can be resumed. A run staged again
    /// after it had sent bodies while staging must have made the same bodies.
    /// </summary>
    /// <exception cref="RunSourceChangedException">A body sent before differs from the one staged now.</exception>
    public RunStatus CompleteStaging()
    {
        StagingResult result = Staging.Complete();
        CheckBodiesSentBefore(result);
        ExportLedger ledger = result.Ledger;
        Record(new JournalEntry
        {
            Type = JournalEntryType.Staged,
            At = time.GetUtcNow(),
            InputCount = ledger.InputCount,
            OutOfSegmentCount = ledger.OutOfSegmentCount,
            InvalidCount = ledger.InvalidCount,
            DuplicateCount = ledger.DuplicateCount,
            UnchangedCount = ledger.UnchangedCount,
            SubmittedCount = ledger.SubmittedCount,
            BatchCount = result.Batches.Count,
            BatchContacts = result.Batches.Select(b => b.Batch.ContactCount).ToList(),
            BatchLists = result.Batches.Select(b => b.Batch.Lists).ToList(),
        });
        staging!.Dispose();
        staging = null;
        feed?.Complete();
        return Status;
    }

    /// <summary>
    /// Starts writing, on a worker thread, the sync state this run leaves if Constant Contact confirms every import
    /// (<see cref="RunSyncRecorder.PreparedState"/>), so that the run's end only renames it. For a staged run about to
    /// send; not for a -RemoveMissing run, whose state also depends on its list reads and removals.
    /// </summary>
    public void PrepareSyncState()
    {
        RunStatus status = Status;
        if (preparedState is null && status.IsStaged && !status.Manifest.RemoveMissing)
        {
            preparedState = RunSyncRecorder.PreparedState.Start(paths, Folder, status, loadedState, time.GetUtcNow());
        }
    }

    /// <summary>The run's journal, which records what Constant Contact confirmed into the sync state before the run ends.</summary>
    private RunJournal OpenJournal()
    {
        RunJournal opened = RunJournal.Open(Folder);
        opened.BeforeEnd = status => RunSyncRecorder.Record(paths, Folder, status, time.GetUtcNow(), loadedState, Interlocked.Exchange(ref preparedState, null));
        return opened;
    }

    /// <summary>Compares with <paramref name="syncState"/> (null for a -Full run or a first one) and notes every body's keys.</summary>
    private SyncStaging NewSyncStaging(SyncState? syncState) =>
        new(syncState, Status.Manifest.ListIds, Path.Combine(Folder, ExportStaging.BatchFolderName), notePresent: Status.Manifest.RemoveMissing);

    private void CheckBodiesSentBefore(StagingResult result)
    {
        foreach (KeyValuePair<int, string> sent in Status.BodyHashes.OrderBy(p => p.Key))
        {
            string? now = sent.Key <= result.Batches.Count ? BodyHash.Of(result.Batches[sent.Key - 1].Path) : null;
            if (now != sent.Value)
            {
                throw new RunSourceChangedException(RunId, sent.Key, Status.ActivityIds.Count);
            }
        }
    }

    /// <summary>Journals an end state without sending (WhatIf, a limit or the input broken, a run that cannot be resumed); <see cref="ExportRunner"/> decides which.</summary>
    public void End(RunState state, string message) =>
        Record(new JournalEntry { Type = JournalEntryType.State, At = time.GetUtcNow(), State = state, Message = message, Requests = 0 });

    /// <summary>Sends the staged batches and waits for the activities (unless noWait).</summary>
    public Task<RunState> SendAsync(IImportApi api, bool noWait, Action<SenderEvent>? tell, CancellationToken cancellationToken, RunDeadline? deadline = null) =>
        new RunSender(api, time, tell, deadline).SendAsync(SendContext(), noWait, cancellationToken);

    /// <summary>One look at the unfinished activities (Get-CCExportRun -Refresh).</summary>
    public Task<RunState> RefreshAsync(IImportApi api, CancellationToken cancellationToken) =>
        new RunSender(api, time).RefreshAsync(SendContext(), cancellationToken);

    private RunSendContext SendContext()
    {
        string batches = Path.Combine(Folder, ExportStaging.BatchFolderName);
        return new RunSendContext(
            Status,
            journal!,
            batch => Path.Combine(batches, DirectoryBatchSink.FileName(batch)),
            ClaimedActivityIds,
            async ct => await CrossProcessLock.AcquireAsync(
                CrossProcessLock.PathFor(paths, ImportLockName), TimeSpan.FromMinutes(10), time, ct).ConfigureAwait(false),
            batch => ProbeEmailsOf(Path.Combine(batches, DirectoryBatchSink.FileName(batch))),
            Status.Manifest.RemoveMissing ? RemoveAsync : null,
            Status.Manifest.RemoveMissing ? ReadOutsidersAsync : null);
    }

    /// <summary>Invoke-CCExport -Force (this invocation's; the manifest keeps the one the run started with).</summary>
    public bool ForceRemovals { get; set; }

    /// <summary>Where the end-to-end tests stop the run to kill it (<see cref="RunPausePoint"/>); null in production.</summary>
    public Action<string>? PauseAt { get; set; }

    private Task<RemovalOutcome> RemoveAsync(IImportApi api, Action<SenderEvent> tell, CancellationToken cancellationToken) =>
        new RunRemover(paths, Folder, Status, journal!, api, time, tell, ForceRemovals, PauseAt, loadedState).RunAsync(cancellationToken);

    private Task ReadOutsidersAsync(IImportApi api, Action<SenderEvent> tell, CancellationToken cancellationToken) =>
        RunOutsiders.ReadBeforeImportsAsync(paths, Folder, Status, journal!, api, time, tell, PauseAt ?? (_ => { }), loadedState, cancellationToken);

    /// <summary>How many of a body's contacts a lost answer's import is checked against.</summary>
    internal const int Probes = 5;

    /// <summary>
    /// Up to <see cref="Probes"/> addresses of an import body, spread from its first contact to its last; none when the
    /// body is gone or unreadable.
    /// </summary>
    internal static IReadOnlyList<string> ProbeEmailsOf(string bodyPath)
    {
        try
        {
            using FileStream stream = File.OpenRead(bodyPath);
            using JsonDocument body = JsonDocument.Parse(stream);
            if (!body.RootElement.TryGetProperty("import_data", out JsonElement contacts) || contacts.ValueKind != JsonValueKind.Array)
            {
                return Array.Empty<string>();
            }

            int count = contacts.GetArrayLength();
            var probes = new List<string>();
            for (int i = 0; i < Math.Min(Probes, count); i++)
            {
                int at = count <= Probes ? i : (int)((long)i * (count - 1) / (Probes - 1));
                if (contacts[at].ValueKind == JsonValueKind.Object
                    && contacts[at].TryGetProperty("email", out JsonElement email) && email.ValueKind == JsonValueKind.String
                    && !probes.Contains(email.GetString()!))
                {
                    probes.Add(email.GetString()!);
                }
            }

            return probes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>
    /// One import lock for the whole home, not one per connection: two connections to one account must not post while
    /// the other's lost answer is being looked up, and a lock per account would need a request (GET /account/summary)
    /// before the first import. What one lock costs, uploads to two accounts from one home taking turns, is small.
    /// </summary>
    internal const string ImportLockName = "import";

    public void Dispose()
    {
        // A prepared state that was not used is deleted while the export's lock is still held.
        Interlocked.Exchange(ref preparedState, null)?.Dispose();
        staging?.Dispose();
        journal?.Dispose();
        exportLock.Dispose();
    }

    private ISet<string> ClaimedActivityIds()
    {
        var claimed = new HashSet<string>(Status.ActivityIds, StringComparer.Ordinal);
        claimed.UnionWith(RunRetention.DeletedActivityIds(paths));
        foreach (string id in store.RunIds())
        {
            if (id == RunId)
            {
                continue;
            }

            try
            {
                RunStatus? other = store.Load(id);
                if (other is not null)
                {
                    claimed.UnionWith(other.ActivityIds);
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException)
            {
                // A damaged folder of another run claims nothing; this run's own journal is what matters.
            }
        }

        return claimed;
    }

    private void Record(JournalEntry entry) => journal!.Record(entry, Status);

    /// <summary>
    /// True when a process holds the export's lock (a run of it is going on). Found by taking the lock for an instant:
    /// a run starting in that instant fails ExportRunning, as it would beside any other holder.
    /// </summary>
    public static bool IsExportRunning(StoragePaths paths, string exportName)
    {
        try
        {
            TakeLock(paths, exportName).Dispose();
            return false;
        }
        catch (ExportRunningException)
        {
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The lock cannot be looked at: assume the run is going on rather than say it is not.
            return true;
        }
    }

    /// <summary>Takes the export's lock at once, or says the export is running: two runs of one export never overlap.</summary>
    internal static CrossProcessLock TakeLock(StoragePaths paths, string exportName)
    {
        string path = CrossProcessLock.PathFor(paths, "export-" + SafeName.FileKey(exportName, "export"));
        try
        {
            return CrossProcessLock.AcquireAsync(path, TimeSpan.Zero, TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new ExportRunningException(exportName);
        }
    }
}
