using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// Owns one run of an export from its input to its ledger: checks the parameters before a run exists, reads CSV
/// files (or takes piped profiles), decides whether to send while staging, keeps the run's limits (<see cref="RunLimits"/>),
/// resumes and stages again, sends, and returns how the run ended. Everything it tells goes through an
/// <see cref="IExportRunObserver"/>, on the calling thread; nothing here knows PowerShell.
/// </summary>
public sealed class ExportRunner : IDisposable
{
    /// <summary>Asks for fewer contacts a body (1 to 40,000): smaller imports finish sooner and show progress more often.</summary>
    public const string BatchContactsVariable = "CC_EXPORT_BATCH_CONTACTS";

    private const int ProgressIntervalMs = 250;

    private readonly StoragePaths paths;
    private readonly ExportRunRequest request;
    private readonly IExportRunObserver observer;
    private readonly Func<Action<string>, IImportApi> openApi;
    private readonly TimeProvider time;
    private readonly Func<string, string?> environment;
    private readonly Stopwatch progressClock = new();
    private readonly SortedDictionary<string, long> rejectsByReason = new(StringComparer.Ordinal);
    private BlockingCollection<SenderEvent>? relay;
    private ExportRun? run;
    private RunLimits? limits;

    /// <summary>A resumed run whose export has since recorded a later run's state: nothing more is sent.</summary>
    public const string SupersededErrorId = "RunSuperseded";

    // A resume the user confirmed (or that -WhatIf did not stop) is not asked about again when its staging ends.
    private bool resumeConfirmed;
    private RunInputCheck? inputCheck;
    private ProfileRecord? pipedRecord;
    private long lastProgressAt = -ProgressIntervalMs;
    private bool startedHere;

    // A damaged sync state this run found: true from then on; its path while the run may still stop at -WhatIf (it is
    // moved aside only when the run sends).
    private bool stateDamaged;
    private string? damagedStatePath;

    /// <param name="paths">Where runs live.</param>
    /// <param name="request">The export and the invocation's parameters.</param>
    /// <param name="observer">Gets messages, progress, rejects and the ShouldProcess question, on the calling thread.</param>
    /// <param name="openApi">Opens the API when the run sends; its argument takes one log line a request.</param>
    /// <param name="time">The clock.</param>
    /// <param name="environment">Reads an environment variable (tests give their own).</param>
    public ExportRunner(StoragePaths paths, ExportRunRequest request, IExportRunObserver observer, Func<Action<string>, IImportApi> openApi, TimeProvider time, Func<string, string?>? environment = null)
    {
        this.paths = paths;
        this.request = request;
        this.observer = observer;
        this.openApi = openApi;
        this.time = time;
        this.environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The run, once one exists.</summary>
    public ExportRun? Run => run;

    /// <summary>Runs CSV files: every file is checked (header, rows, mapped fields) before anything is sent.</summary>
    /// <exception cref="ExportRunException">A parameter value is wrong or the export is running: no run was created.</exception>
    /// <exception cref="OperationCanceledException">Stopped (Ctrl+C); the run can be resumed.</exception>
    public ExportRunResult RunFiles(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        CsvReadOptions options = CsvOptions(request.Encoding, request.Delimiter?.ToString(), request.Header);
        Start(files, options);
        RunFailure? broken = inputCheck!.CheckFiles(files, options, out Dictionary<string, IReadOnlyList<string>> missingPerFile);
        if (broken is not null)
        {
            return Fail(broken);
        }

        // One vectorized pass over the files: the most profiles they hold, and a quote never closed (it would swallow
        // the rows after it into one reject) fails the run here, before anything is sent.
        long most;
        try
        {
            most = CsvRecordBound.Of(files, failOnUnclosedQuote: true) + (options.Header is null ? 0 : files.Count);
        }
        catch (CsvSourceException ex)
        {
            return Fail(RunInputCheck.FromReading(ex, run!.SentSoFar()));
        }

        if (request.WouldAskBeforeSending || !limits!.MayStream(most))
        {
            observer.Verbose(request.WouldAskBeforeSending
                ? "Staging all profiles before anything is sent: the run asks before sending (-WhatIf or -Confirm)."
                : $"The files have {most} lines of profiles, more than MaxProfiles ({limits!.MaxProfiles}): staging all of them before anything is sent.");
            CsvSourceException? failed = StageFiles(files, options, missingPerFile, cancellationToken);
            return failed is not null ? Fail(RunInputCheck.FromReading(failed, run!.SentSoFar())) : FinishStaged(cancellationToken);
        }

        observer.Verbose($"The files hold at most {most} profiles, within MaxProfiles ({limits.MaxProfiles}): each import is sent as soon as it is staged.");
        return StageWhileSending(files, options, missingPerFile, cancellationToken);
    }

    /// <summary>Starts a run of piped profiles: <see cref="NextRecord"/> and <see cref="Add"/> each, then <see cref="FinishPipeline"/>.</summary>
    /// <exception cref="ExportRunException">A parameter value is wrong or the export is running: no run was created.</exception>
    public void StartPipeline()
    {
        CsvOptions(request.Encoding, null, null);
        Start(new[] { "pipeline" }, null);
        pipedRecord = run!.Staging.NewRecord();
    }

    /// <summary>The record to fill with the next piped profile (the same instance each time, cleared).</summary>
    public ProfileRecord NextRecord()
    {
        ProfileRecord record = pipedRecord ?? throw new InvalidOperationException("StartPipeline comes first.");
        long number = run!.Staging.Ledger.InputCount + 1;
        record.Reset();
        record.RecordNumber = number;
        return record;
    }

    /// <summary>Stages one piped profile.</summary>
    public void Add(ProfileRecord record)
    {
        Stage(record);
        ReportStaging(null, 0, 0);
    }

    /// <summary>Judges the staged piped input (before anything is sent) and sends it.</summary>
    public ExportRunResult FinishPipeline(CancellationToken cancellationToken) => FinishStaged(cancellationToken);

    /// <summary>
    /// Continues the export's latest unfinished run (or <paramref name="runId"/>): a staged run sends what was not
    /// sent; a run that stopped while staging stages its files again, with the settings it started with.
    /// </summary>
    /// <exception cref="ExportRunException">RunNotFound, or the export is running.</exception>
    public ExportRunResult Resume(string? runId, CancellationToken cancellationToken)
    {
        string name = request.Definition.Name;
        if (runId is not null)
        {
            try
            {
                new RunStore(paths).FolderOf(runId);
            }
            catch (ArgumentException ex)
            {
                throw new ExportRunException("RunIdInvalid", RunErrorKind.InvalidArgument, ex.Message, ex);
            }
        }

        try
        {
            run = ExportRun.OpenForResume(paths, name, runId, time);
        }
        catch (ExportRunningException ex)
        {
            throw new ExportRunException("ExportRunning", RunErrorKind.ResourceBusy, ex.Message, ex);
        }
        catch (RunDamagedException ex)
        {
            // Refused before the journal is opened: nothing is written into a damaged run.
            throw new ExportRunException(RunDamagedException.ErrorId, RunErrorKind.InvalidData, ex.Message, ex);
        }

        if (run is null)
        {
            string which = runId is null ? $"The export '{name}' has no unfinished run" : $"The export '{name}' has no run '{runId}'";
            throw new ExportRunException("RunNotFound", RunErrorKind.ObjectNotFound, which + " to resume.");
        }

        RunStatus status = run.Status;
        RunManifest manifest = status.Manifest;
        if ((!status.IsStaged || status.UnsentBatches().Any()) && SupersededAt(manifest) is { } laterRun)
        {
            // Its input is an older view of the segment: the rest of it would put back contacts that left since, and
            // older field values over newer ones.
            return Fail(new RunFailure(
                SupersededErrorId,
                RunErrorKind.InvalidOperation,
                string.Format(
                    CultureInfo.InvariantCulture,
                    "Run {0} started at {1:u}, and a later run of the export '{2}' recorded what it sent at {3:u}: this run's input is an older view of the segment, and sending the rest of it would put back contacts that have left since, and older values over newer ones. Nothing was sent; the run ends Failed. Start a new run with the current input.",
                    run.RunId, manifest.StartedAt, name, laterRun)));
        }

        if (status.IsUnfinished || !status.IsStaged)
        {
            // -WhatIf (or -Confirm answered no) says what the resume would do and leaves the run as it is, to be resumed for real.
            string plan = status.IsStaged
                ? $"Resume: send {status.UnsentBatches().Count()} of its {status.BatchCount} import(s) not sent yet and wait for {status.PendingActivities().Count()} activit(y/ies)"
                : $"Resume: stage its input again and send what was not sent ({status.BodyHashes.Count} import(s) went out before it stopped)";
            if (!observer.ShouldSend($"run {run.RunId} of export '{name}'", plan))
            {
                return new ExportRunResult(status, null);
            }

            resumeConfirmed = true;
        }

        if (manifest.RemoveMissing)
        {
            // Stopped after reading its lists and before its first import: what joined them since is read too.
            status.ReadOutsidersAgain();
        }

        PrepareRemovals();
        limits = new RunLimits(
            manifest.MaxProfiles > 0 ? manifest.MaxProfiles : request.Definition.MaxProfiles,
            manifest.MaxRejectPercent ?? request.Definition.MaxRejectPercent,
            overridden: manifest.MaxRejectPercent is { } kept && kept != request.Definition.MaxRejectPercent);
        if (!status.IsStaged)
        {
            if (run.RestageableFiles is { } files)
            {
                // Staging the same files again makes the run as it would have been; bodies sent while it first staged
                // (fingerprints in the journal) must come out the same, or nothing more is sent (RunSourceChanged).
                observer.Verbose(status.AnySent
                    ? $"Run {run.RunId} stopped while staging, after it had sent {status.BodyHashes.Count} batch(es); staging its {files.Count} file(s) again and checking that those come out the same."
                    : $"Run {run.RunId} stopped while staging, before anything was sent; staging its {files.Count} file(s) again.");
                CsvReadOptions options = CsvOptions(manifest.Encoding, manifest.Delimiter, manifest.Header);
                ExportStaging staging = run.RestartStaging(request.Definition, ReadBatchLimits(), LoadSyncState(manifest.Full));
                inputCheck = new RunInputCheck(staging.Mapping, manifest.InputSegments is { Count: > 0 });
                progressClock.Start();
                CsvSourceException? failed = StageFiles(files, options, new Dictionary<string, IReadOnlyList<string>>(), cancellationToken);
                return failed is not null ? Fail(RunInputCheck.FromReading(failed, run.SentSoFar())) : FinishStaged(cancellationToken);
            }

            string message = manifest.Sources.Contains("pipeline")
                ? "The run stopped while staging, before anything was sent: piped input is not kept, so start a new run."
                : $"The run stopped while staging{(status.AnySent ? $", after it had sent {status.BodyHashes.Count} batch(es)," : ", before anything was sent,")} and its files are gone ({string.Join(", ", manifest.Sources)}): start a new run.";
            return Fail(new RunFailure("RunNotResumable", RunErrorKind.InvalidOperation, message));
        }

        if (!status.IsUnfinished)
        {
            observer.Warning($"Run {run.RunId} is already {status.State}; there is nothing to resume.");
            return new ExportRunResult(status, null);
        }

        observer.Verbose($"Resuming run {run.RunId}: {status.UnsentBatches().Count()} batches to send, {status.PendingActivities().Count()} activities to wait for.");
        return Send(cancellationToken);
    }

    /// <summary>Lets the run go: the journal closes and the export's lock is released.</summary>
    public void Dispose()
    {
        run?.Dispose();
        relay?.Dispose();
    }

    /// <summary>Every check of the parameters and the environment, then the run: its lock, folder and manifest.</summary>
    private void Start(IReadOnlyList<string> sources, CsvReadOptions? csv)
    {
        var definition = request.Definition;
        ImportBatchLimits batchLimits = ReadBatchLimits();
        StartDeadline(0).Dispose(); // CC_EXPORT_RUN_DEADLINE is checked before the run exists
        int maxRejectPercent = request.MaxRejectPercent ?? definition.MaxRejectPercent;
        if (maxRejectPercent is < 0 or > 100)
        {
            throw new ExportRunException("MaxRejectPercentInvalid", RunErrorKind.InvalidArgument, $"MaxRejectPercent is {maxRejectPercent}; it must be a whole number from 0 to 100.");
        }

        ExportMapping mapping;
        try
        {
            mapping = definition.ToMapping();
        }
        catch (ArgumentException ex)
        {
            throw new ExportRunException("ExportDefinitionInvalid", RunErrorKind.InvalidData, $"The export '{definition.Name}' cannot run: {ex.Message}", ex);
        }

        bool segmentsGiven = request.InputSegments is { Count: > 0 };
        if (!segmentsGiven && mapping.SegmentIndex < 0)
        {
            throw new ExportRunException("ExportInputInvalid", RunErrorKind.InvalidArgument,
                $"The export '{definition.Name}' has no -SegmentField, so the input's segment must be given: Invoke-CCExport -Segment <name>.");
        }

        if (request.RejectPath is not null)
        {
            RejectPathCheck.Check(request.RejectPath, sources.Where(s => s != "pipeline").ToList());
        }

        if (Exports.RemoveListSharing.Find(new Exports.ExportDefinitionStore(paths), definition) is { } shared)
        {
            throw new ExportRunException(Exports.RemoveListSharing.ErrorId, RunErrorKind.InvalidOperation, shared.Message(definition.Name, saving: false));
        }

        try
        {
            run = ExportRun.Start(paths, definition, request.InputSegments, sources, request.RejectPath, whatIf: false, request.StartedBy, time, batchLimits, request.Encoding, csv, maxRejectPercent,
                request.Full, LoadSyncState(request.Full), request.Force);
        }
        catch (ExportRunningException ex)
        {
            throw new ExportRunException("ExportRunning", RunErrorKind.ResourceBusy, ex.Message, ex);
        }

        startedHere = true;
        PrepareRemovals();
        limits = new RunLimits(definition.MaxProfiles, maxRejectPercent, run.Staging.Ledger, overridden: request.MaxRejectPercent is not null);
        inputCheck = new RunInputCheck(mapping, segmentsGiven);
        progressClock.Start();
        observer.Verbose($"Run {run.RunId} of export '{definition.Name}' started; staging in {run.Folder}.");
    }

    /// <summary>What this invocation tells the run's removals: -Force, and the tests' pause (<see cref="RunPausePoint"/>).</summary>
    private void PrepareRemovals()
    {
        run!.ForceRemovals = request.Force;
        run.PauseAt = RunPausePoint.From(environment, run.Folder);
    }

    /// <summary>
    /// -WhatIf and -Confirm: what a -RemoveMissing run would remove, per list, from the sync state, its kept outsiders and
    /// the profiles just staged (no request: a contact that joined a list another way since the last run is not a leaver
    /// anyway, as the state does not record it as the export's). Null for a run without -RemoveMissing. Says so when a list is past MaxRemovePercent.
    /// </summary>
    private string? RemovalPlanText(RunStatus status)
    {
        if (!status.Manifest.RemoveMissing)
        {
            return null;
        }

        if (stateDamaged)
        {
            return "remove none (the export's sync state is damaged: see the warning)";
        }

        PresentEntry[]? present = PresentKeysFile.TryRead(Path.Combine(run!.Folder, ExportStaging.BatchFolderName, PresentKeysFile.FileName));
        SyncState? state;
        try
        {
            state = run.LoadedState ?? SyncStateFile.Load(SyncStateLocation.PathOf(paths, request.Definition.Name));
        }
        catch (SyncStateDamagedException)
        {
            state = null;
        }

        if (present is null || state is null)
        {
            return "remove none (the export has no sync state yet: the run reads its list(s) first and keeps every contact on them now; "
                + "only contacts it sends that later leave the segment are removed by later runs)";
        }

        SyncKept kept;
        try
        {
            kept = SyncKept.Load(SyncKept.PathOf(paths, request.Definition.Name));
        }
        catch (SyncStateDamagedException ex)
        {
            return $"remove none (the record of the contacts that joined the lists another way is damaged: {ex.Message})";
        }

        RemovalPlan plan = RemovalPlan.Of(state, present, status.Manifest.ListIds, kept);
        IReadOnlyList<string> unread = RunOutsiders.SentToBeforeRead(paths, status.Manifest, state);
        foreach (ListRemovals list in plan.Lists.Where(l => unread.Contains(l.ListId)))
        {
            // The run reads it first and keeps every contact on it (RunOutsiders).
            list.Leavers.Clear();
        }

        if (plan.OverLimit(status.Manifest.MaxRemovePercent) is { } over && !request.Force)
        {
            observer.Warning($"The run would remove {over.LimitText(status.Manifest.MaxRemovePercent, status.Manifest.ListLabel(over.ListId))}: it would remove nothing and fail RemoveLimitExceeded, unless -Force.");
        }

        string readFirst = unread.Count == 0 ? string.Empty
            : $"; the run reads list(s) {string.Join(", ", unread.Select(status.Manifest.ListLabel))} first and keeps every contact on them now";

        // A list the state has nothing of (added to the export since) is not in the plan: whoever is on it now stays.
        List<string> added = status.Manifest.ListIds.Where((_, i) => plan.Lists.All(l => l.RunIndex != i)).ToList();
        string addedText = added.Count == 0 ? string.Empty
            : $"; list(s) {string.Join(", ", added.Select(status.Manifest.ListLabel))} are new to the export: every contact on them now is kept";
        return $"remove {plan.Total} that left the segment ({plan.Describe(status.Manifest.ListLabel)}){readFirst}{addedText}";
    }

    /// <summary>When a later run of the export recorded its sync state, if one did after this run started; null otherwise (or when the state cannot be read, which the run reports itself).</summary>
    private DateTimeOffset? SupersededAt(RunManifest manifest)
    {
        try
        {
            SyncState? state = SyncStateFile.Load(SyncStateLocation.PathOf(paths, request.Definition.Name));
            return manifest.IsSupersededBy(state) ? state!.SavedAt : null;
        }
        catch (SyncStateDamagedException)
        {
            return null;
        }
    }

    /// <summary>
    /// The export's sync state, loaded before staging so that each profile is decided as it is staged (a body may go
    /// out before the input is read to its end); null when there is none yet, or for a -Full run (<paramref name="full"/>),
    /// which compares with nothing. A damaged state is kept aside and said (also under -Full, whose end would otherwise
    /// overwrite it), and the run sends every profile; the state it writes then holds what this run confirmed.
    /// </summary>
    private SyncState? LoadSyncState(bool full)
    {
        string path = SyncStateLocation.PathOf(paths, request.Definition.Name);
        try
        {
            SyncState? state = SyncStateFile.Load(path);
            observer.Verbose(state is null
                ? $"The export has no sync state yet ({path}): every profile is sent."
                : full ? $"Sync state of {state.SavedAt:u}: {state.Count} contacts; -Full sends every profile and updates it."
                : $"Sync state of {state.SavedAt:u}: {state.Count} contacts; profiles unchanged since are not sent.");
            return full ? null : state;
        }
        catch (SyncStateDamagedException ex)
        {
            stateDamaged = true;
            const string Outcome = "sends every profile and writes a new state; contacts the damaged state had on the lists are not taken off them if they left the segment.";
            if (request.WouldAskBeforeSending)
            {
                // A run that may stop at -WhatIf changes nothing: the file stays, and the next run says it again.
                damagedStatePath = path;
                observer.Warning($"The export's sync state is damaged ({ex.Message}). If this run sends, it keeps it as {path}.damaged and {Outcome}");
                return null;
            }

            observer.Warning($"The export's sync state is damaged ({ex.Message}); it is kept as {KeepAside(path)}. This run {Outcome}");
            return null;
        }
    }

    /// <summary>Moves a damaged sync state to its .damaged name: kept, not overwritten, as evidence to recover from (the contacts the export put on its lists). Returns where it is.</summary>
    private static string KeepAside(string path)
    {
        string kept = path + ".damaged";
        try
        {
            File.Delete(kept);
            File.Move(path, kept);
            return kept;
        }
        catch (Exception moveError) when (moveError is IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    private static CsvReadOptions CsvOptions(string? encodingName, string? delimiter, IReadOnlyList<string>? header)
    {
        System.Text.Encoding? encoding = null;
        if (!string.IsNullOrWhiteSpace(encodingName))
        {
            try
            {
                encoding = CsvReadOptions.ParseEncoding(encodingName!);
            }
            catch (ArgumentException ex)
            {
                throw new ExportRunException("EncodingInvalid", RunErrorKind.InvalidArgument, ex.Message, ex);
            }
        }

        var options = new CsvReadOptions { Encoding = encoding, Delimiter = delimiter, Header = header };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ExportRunException(header is not null && delimiter is null ? "HeaderInvalid" : "CsvOptionsInvalid", RunErrorKind.InvalidArgument, ex.Message, ex);
        }

        return options;
    }

    /// <summary>Constant Contact's bounds, unless <see cref="BatchContactsVariable"/> asks for fewer contacts a body.</summary>
    private ImportBatchLimits ReadBatchLimits()
    {
        string? value = environment(BatchContactsVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return ImportBatchLimits.Default;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int contacts) || contacts < 1 || contacts > ImportBatchLimits.ConstantContactMaxContacts)
        {
            throw new ExportRunException("BatchSizeInvalid", RunErrorKind.InvalidArgument,
                $"{BatchContactsVariable} is '{value}'; it must be a whole number from 1 to {ImportBatchLimits.ConstantContactMaxContacts}.");
        }

        return new ImportBatchLimits(MaxContacts: contacts);
    }

    private void Stage(ProfileRecord record)
    {
        ProfileOutcome outcome = run!.Staging.Add(record, out ProfileIssue? issue);
        inputCheck!.Note(record);
        if (outcome != ProfileOutcome.Invalid)
        {
            return;
        }

        string reason = issue!.Reason.ToString();
        rejectsByReason[reason] = rejectsByReason.TryGetValue(reason, out long n) ? n + 1 : 1;
        if (request.ReportEachReject)
        {
            observer.Rejected(issue, record);
        }
    }

    /// <summary>Stages every file; the problem of a file that cannot be read on, or null.</summary>
    private CsvSourceException? StageFiles(IReadOnlyList<string> files, CsvReadOptions options, Dictionary<string, IReadOnlyList<string>> missingPerFile, CancellationToken cancellationToken)
    {
        ExportStaging staging = run!.Staging;
        IReadOnlyList<string> sourceFields = staging.Mapping.SourceFields;
        string[] required = { staging.Mapping.EmailField };
        long totalBytes = files.Sum(FileLength);
        long bytesDone = 0;
        foreach (string file in files)
        {
            long length = FileLength(file);
            long bytesBefore = bytesDone;
            bytesDone += length;
            try
            {
                using CsvProfileReader reader = CsvProfileReader.Open(file, sourceFields, required, options);
                foreach (string missing in missingPerFile.TryGetValue(file, out var m) ? m : reader.MissingFields)
                {
                    observer.Warning($"The file '{file}' has no column '{missing}'; profiles from it give no value for it.");
                }

                ProfileRecord record = staging.NewRecord();
                while (reader.Read(record))
                {
                    Stage(record);

                    // From the bytes a profile so far the staging estimates how many are coming, and sizes the
                    // duplicate check for them once instead of growing it through every size on the way.
                    staging.NoteBytesRead(bytesBefore + reader.BytesRead, totalBytes);
                    ReportStaging(file, reader.BytesRead, length);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            catch (CsvSourceException ex)
            {
                return ex;
            }
        }

        return null;
    }

    private static long FileLength(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Sends each body as soon as it is staged. The sender holds bodies back while the reject share so far is over
    /// MaxRejectPercent; the verdict on the whole input is set before the last body is handed over.
    /// </summary>
    private ExportRunResult StageWhileSending(IReadOnlyList<string> files, CsvReadOptions options, Dictionary<string, IReadOnlyList<string>> missingPerFile, CancellationToken cancellationToken)
    {
        ExportRun current = run!;
        BlockingCollection<SenderEvent> events = NewRelay();
        IImportApi api = OpenApi(events);
        using var apiOwner = api as IDisposable;
        using var senderStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using RunDeadline deadline = StartDeadline(0);
        current.FeedBatchesAsStaged();
        PruneOlderRuns();
        RunLimits gate = limits!;
        Task<RunState> sending = Task.Run(() => current.SendWhileStagingAsync(api, gate, request.NoWait, events.Add, senderStop.Token, deadline));
        _ = sending.ContinueWith(_ => events.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        CsvSourceException? failed;
        try
        {
            failed = StageFiles(files, options, missingPerFile, cancellationToken);
        }
        catch
        {
            StopSender(senderStop, sending, events);
            throw;
        }

        if (failed is not null)
        {
            // What went out while the file was read is known once the sender has stopped.
            StopSender(senderStop, sending, events);
            return Fail(RunInputCheck.FromReading(failed, current.SentSoFar()));
        }

        RunBreach? breach = gate.Check(current.Staging.Ledger, current.Status.Manifest.RejectPath);
        gate.Verdict = breach;
        RunStatus status = current.CompleteStaging();
        if (breach is null)
        {
            current.PrepareSyncState();
        }

        deadline.Allow(status.SubmittedCount);
        ReportStaged(status);
        RunState state = Pump(sending, events, senderStop);
        return state == RunState.Failed && breach is not null
            ? new ExportRunResult(current.Status, new RunFailure(breach.ErrorId, RunErrorKind.LimitsExceeded, current.Status.Message ?? breach.Message))
            : Outcome(state, cancellationToken, deadline);
    }

    /// <summary>The staging failed or was stopped: the sender stops too (journaling Stopped) before the run is let go.</summary>
    private void StopSender(CancellationTokenSource senderStop, Task<RunState> sending, BlockingCollection<SenderEvent> events)
    {
        senderStop.Cancel();
        run!.AbandonFeed();
        try
        {
            Pump(sending, events, senderStop);
        }
        catch (Exception)
        {
            // The staging's failure is the one to report.
        }
    }

    /// <summary>Closes staging and judges the run: the input, then the limits, then ShouldProcess, then sends.</summary>
    private ExportRunResult FinishStaged(CancellationToken cancellationToken)
    {
        ExportRun current = run!;
        ExportLedger ledger = current.Staging.Ledger;
        string perList = PlanPerList(current.Status.Manifest, current.Staging.Pipeline.PerList);
        RunStatus status;
        try
        {
            status = current.CompleteStaging();
        }
        catch (RunSourceChangedException ex)
        {
            return Fail(new RunFailure("RunSourceChanged", RunErrorKind.InvalidData, ex.Message));
        }

        // Input with no profiles at all fails as such; its rejects (NotAProfile) would only repeat it as a warning.
        RunFailure? broken = status.Manifest.Sources.Contains("pipeline") ? inputCheck!.CheckPiped(ledger) : null;
        ReportStaged(status, warnRejects: broken is null);
        if (broken is not null)
        {
            return Fail(broken);
        }

        if (limits!.Check(ledger, status.Manifest.RejectPath) is { } breach)
        {
            return Fail(new RunFailure(breach.ErrorId, RunErrorKind.LimitsExceeded, $"{breach.Message} {current.SentSoFar()}"));
        }

        var definition = request.Definition;
        string target = $"export '{definition.Name}' to list(s) {string.Join(", ", (definition.ListNames.Count > 0 ? definition.ListNames : definition.ListIds).Select(n => TextChecks.Printable(n)))}";
        string? removals = RemovalPlanText(status);
        if (!resumeConfirmed && !observer.ShouldSend(target, $"Send {status.SubmittedCount} contacts in {status.BatchCount} import(s); {status.UnchangedCount} unchanged since the last sync are not sent{perList}{(removals is null ? string.Empty : "; " + removals)}"))
        {
            current.End(RunState.WhatIf, $"WhatIf: {status.SubmittedCount} contacts in {status.BatchCount} import(s) were staged and not sent; {status.UnchangedCount} are unchanged since the last sync{perList}{(removals is null ? "." : $"; would {removals}.")}");
            return new ExportRunResult(current.Status, null);
        }

        if (damagedStatePath is not null)
        {
            KeepAside(damagedStatePath);
            damagedStatePath = null;
        }

        PruneOlderRuns();
        return Send(cancellationToken);
    }

    /// <summary>
    /// With per-segment lists, "; per list: 'Gold' 10 to send, 2 unchanged; ..." (a profile in two segments counts on
    /// both lists); empty otherwise, as every list gets every profile.
    /// </summary>
    private static string PlanPerList(RunManifest manifest, IReadOnlyList<(long Sent, long Unchanged)>? perList)
    {
        if (perList is null || manifest.ListMap is null)
        {
            return string.Empty;
        }

        var parts = new List<string>();
        for (int i = 0; i < perList.Count && i < manifest.ListIds.Count; i++)
        {
            parts.Add($"{manifest.ListLabel(manifest.ListIds[i])} {perList[i].Sent} to send, {perList[i].Unchanged} unchanged");
        }

        return "; per list: " + string.Join("; ", parts);
    }

    /// <summary>
    /// A new run that is about to send (its input and limits checked, not -WhatIf) deletes the export's runs older
    /// than RetainDays; a resumed run does not. Pruning is housekeeping: its failure does not fail the run.
    /// </summary>
    private void PruneOlderRuns()
    {
        if (!startedHere)
        {
            return;
        }

        try
        {
            IReadOnlyList<string> pruned = run!.PruneOlderRuns(request.Definition.RetainDays);
            if (pruned.Count > 0)
            {
                observer.Verbose($"Deleted {pruned.Count} run(s) of '{request.Definition.Name}' idle for more than RetainDays ({request.Definition.RetainDays}): {string.Join(", ", pruned)}.");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TimeoutException)
        {
            observer.Verbose($"Old runs were not pruned ({ex.Message}); the next run tries again.");
        }
    }

    private ExportRunResult Send(CancellationToken cancellationToken)
    {
        ExportRun current = run!;
        current.PrepareSyncState();
        BlockingCollection<SenderEvent> events = NewRelay();
        IImportApi api = OpenApi(events);
        using var apiOwner = api as IDisposable;
        using var senderStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using RunDeadline deadline = StartDeadline(current.Status.SubmittedCount);
        Task<RunState> sending = Task.Run(() => current.SendAsync(api, request.NoWait, events.Add, senderStop.Token, deadline));
        _ = sending.ContinueWith(_ => events.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Outcome(Pump(sending, events, senderStop), cancellationToken, deadline);
    }

    /// <summary>This invocation's deadline (<see cref="RunDeadline"/>) for <paramref name="profiles"/> profiles, or the one <see cref="RunDeadline.Variable"/> sets.</summary>
    private RunDeadline StartDeadline(long profiles)
    {
        try
        {
            return RunDeadline.Start(time, profiles, environment);
        }
        catch (ArgumentException ex)
        {
            throw new ExportRunException("RunDeadlineInvalid", RunErrorKind.InvalidArgument, ex.Message, ex);
        }
    }

    private ExportRunResult Outcome(RunState state, CancellationToken cancellationToken, RunDeadline deadline)
    {
        observer.SendingDone();
        RunStatus status = run!.Status;
        return state switch
        {
            RunState.Failed when status.ErrorId == RunRemover.LimitErrorId => new ExportRunResult(status, new RunFailure(RunRemover.LimitErrorId, RunErrorKind.LimitsExceeded, status.Message ?? "The removals are over MaxRemovePercent.")),
            RunState.Failed when status.ErrorId == RunRemover.MalformedInputErrorId => new ExportRunResult(status, new RunFailure(RunRemover.MalformedInputErrorId, RunErrorKind.InvalidData, status.Message ?? "Rows of the input could not be read whole; nothing was removed.")),
            RunState.Failed => new ExportRunResult(status, new RunFailure("ExportFailed", RunErrorKind.InvalidResult, status.Message ?? "The run failed.")),
            RunState.Stopped when cancellationToken.IsCancellationRequested => throw new OperationCanceledException(cancellationToken),
            RunState.Stopped when deadline.Passed => new ExportRunResult(status, new RunFailure(RunDeadline.ErrorId, RunErrorKind.LimitsExceeded, status.Message ?? "The run's deadline passed.")),
            RunState.Stopped when deadline.StopErrorId is string errorId => new ExportRunResult(status, new RunFailure(errorId, RunErrorKind.InvalidResult, status.Message ?? "The run stopped.")),
            RunState.Stopped => new ExportRunResult(status, new RunFailure("ExportStopped", RunErrorKind.LimitsExceeded, status.Message ?? "The run stopped.")),
            _ => new ExportRunResult(status, null),
        };
    }

    /// <summary>Journals Failed (nothing more is sent) and says why.</summary>
    private ExportRunResult Fail(RunFailure failure)
    {
        run!.End(RunState.Failed, failure.Message);
        return new ExportRunResult(run.Status, failure);
    }

    private void ReportStaged(RunStatus status, bool warnRejects = true)
    {
        observer.StagingDone();
        observer.Verbose($"Staged {status.InputCount} profiles: {status.SubmittedCount} to send in {status.BatchCount} batches, {status.UnchangedCount} unchanged since the last sync, {status.InvalidCount} invalid, {status.DuplicateCount} duplicates, {status.OutOfSegmentCount} out of segment.");
        if (warnRejects && status.InvalidCount > 0)
        {
            long inSegment = status.InputCount - status.OutOfSegmentCount;
            string reasons = string.Join(", ", rejectsByReason.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));
            observer.Warning(string.Format(
                CultureInfo.InvariantCulture,
                "{0} of {1} in-segment profiles were rejected ({2}; MaxRejectPercent {3}): {4}. The reject report lists each with its reason: {5}",
                status.InvalidCount, inSegment, RunLimits.Percent(status.InvalidCount, inSegment), limits!.MaxRejectPercent, reasons, status.Manifest.RejectPath));
        }
    }

    private void ReportStaging(string? file, long bytesRead, long length)
    {
        // Progress costs more than a profile: at most four updates a second.
        long now = progressClock.ElapsedMilliseconds;
        if (now - lastProgressAt < ProgressIntervalMs)
        {
            return;
        }

        lastProgressAt = now;
        long records = run!.Staging.Ledger.InputCount;
        observer.StagingProgress(records, records / Math.Max(0.001, now / 1000.0), file, length > 0 ? (int)Math.Min(100, bytesRead * 100 / length) : -1);

        // While imports go out as the run stages, the sender's messages wait for this thread.
        BlockingCollection<SenderEvent>? events = relay;
        while (events is not null && !events.IsCompleted && events.TryTake(out SenderEvent? e))
        {
            Tell(e);
        }
    }

    private BlockingCollection<SenderEvent> NewRelay()
    {
        relay?.Dispose();
        relay = new BlockingCollection<SenderEvent>();
        return relay;
    }

    private IImportApi OpenApi(BlockingCollection<SenderEvent> events) =>
        openApi(line =>
        {
            try
            {
                events.Add(new SenderEvent(SenderEventKind.Verbose, line));
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // The sending has ended: nobody is left to show this.
            }
        });

    /// <summary>Tells the observer what the sender says, on this thread, until the sender ends; returns its state.</summary>
    private RunState Pump(Task<RunState> sending, BlockingCollection<SenderEvent> events, CancellationTokenSource senderStop)
    {
        Exception? failure = null;
        foreach (SenderEvent e in events.GetConsumingEnumerable())
        {
            if (failure is not null)
            {
                continue;
            }

            try
            {
                Tell(e);
            }
            catch (Exception ex)
            {
                // The observer cannot take more (the pipeline is stopping): stop the sender, let it wind down, report.
                failure = ex;
                senderStop.Cancel();
            }
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return sending.GetAwaiter().GetResult();
    }

    private void Tell(SenderEvent e)
    {
        switch (e.Kind)
        {
            case SenderEventKind.Verbose:
                observer.Verbose(e.Message);
                break;
            case SenderEventKind.Warning:
                observer.Warning(e.Message);
                break;
            case SenderEventKind.Progress:
                observer.SendingProgress(e);
                break;
        }
    }
}
