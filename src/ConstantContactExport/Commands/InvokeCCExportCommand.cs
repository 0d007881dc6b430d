using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Hosting;
using ConstantContactExport.Profiles;

namespace ConstantContactExport.Commands;

/// <summary>
/// <para type="synopsis">Runs an export: maps, validates, de-duplicates and stages profiles, submits bulk imports, waits for Constant Contact, and returns the run.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "CCExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PipelineSet, HelpUri = HelpLinks.Base + "Invoke-CCExport.md")]
[OutputType(typeof(CCExportRun))]
public sealed class InvokeCCExportCommand : AsyncPSCmdlet
{
    private const string PipelineSet = "Pipeline";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string ResumeSet = "Resume";

    private readonly Stopwatch progressClock = new();
    private StoragePaths paths = null!;
    private ExportDefinition? definition;
    private ExportRun? run;
    private ProfileObjectReader? objectReader;
    private ProfileRecord? record;
    private long pipelineRecords;
    private long lastProgressAt;

    /// <summary><para type="description">The export to run. Piped export objects (Get-CCExport) run their -SourcePath.</para></summary>
    [Parameter(Position = 0, ParameterSetName = PipelineSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = LiteralPathSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ResumeSet)]
    [ValidateNotNullOrEmpty]
    [Alias("ExportName")]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    public string? Name { get; set; }

    /// <summary><para type="description">Profiles: any objects with an email property (Import-Csv rows, hashtables, AD users, database rows).</para></summary>
    [Parameter(ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    [AllowNull]
    [AllowEmptyCollection]
    public PSObject?[]? InputObject { get; set; }

    /// <summary><para type="description">CSV files to read (wildcards allowed). The fast path.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary><para type="description">CSV files to read, taken exactly as written (no wildcards).</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary><para type="description">The segment(s) of the whole input, when profiles carry no segment property.</para></summary>
    [Parameter(ParameterSetName = PipelineSet)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Segment { get; set; }

    /// <summary><para type="description">Where to write the reject report (CSV). By default, rejects.csv in the run's folder.</para></summary>
    [Parameter(ParameterSetName = PipelineSet)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? RejectPath { get; set; }

    /// <summary><para type="description">The CSV files' encoding, when they have no byte order mark and are not UTF-8 (for example Latin1 or 1252).</para></summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    public string? Encoding { get; set; }

    /// <summary><para type="description">Return once every batch is submitted, without waiting for Constant Contact to process them (State Submitted).</para></summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary><para type="description">Continue the export's latest unfinished run (or -RunId), sending only what was not sent.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = ResumeSet)]
    public SwitchParameter Resume { get; set; }

    /// <summary><para type="description">With -Resume: the run to continue.</para></summary>
    [Parameter(ParameterSetName = ResumeSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.RunIdCompleter))]
    public string? RunId { get; set; }

    private bool NameGiven => MyInvocation.BoundParameters.ContainsKey(nameof(Name));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReleaseRun();
        }

        base.Dispose(disposing);
    }

    protected override void BeginProcessing()
    {
        paths = StoragePaths.FromEnvironment();
        if (ParameterSetName == ResumeSet || !NameGiven)
        {
            return;
        }

        definition = LoadDefinition(Name!);
        if (ParameterSetName == PipelineSet)
        {
            if (MyInvocation.ExpectingInput || MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)))
            {
                StartRun(new[] { "pipeline" });
            }

            return;
        }

        List<string> files = ParameterSetName == PathSet ? ResolvePaths(Path!, literal: false) : ResolvePaths(LiteralPath!, literal: true);
        if (files.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(new FileNotFoundException("No CSV file matches the path given."), "NoInputFiles", ErrorCategory.ObjectNotFound, Path ?? LiteralPath));
        }

        RunFiles(files);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ResumeSet)
        {
            // Resume binds nothing from the pipeline: a piped export object must choose the pipeline set.
            try
            {
                ResumeRun();
            }
            finally
            {
                ReleaseRun();
            }

            return;
        }

        if (ParameterSetName != PipelineSet)
        {
            return;
        }

        // A $null piped in arrives as no array at all: it is one profile all the same (an Invalid one).
        PSObject?[] items = InputObject ?? (MyInvocation.ExpectingInput ? new PSObject?[] { null } : Array.Empty<PSObject?>());
        foreach (PSObject? item in items)
        {
            if (!NameGiven && item?.BaseObject is CCExport export)
            {
                // Get-CCExport | Invoke-CCExport: each export runs from its own -SourcePath.
                RunFromSourcePath(LoadDefinition(export.Name));
                continue;
            }

            if (run is null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("Name the export to run: Invoke-CCExport -Name <export>, with profiles piped in."),
                    "ExportNameMissing", ErrorCategory.InvalidArgument, item));
            }

            StageObject(item);
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            if (run is not null)
            {
                FinishRun();
            }
            else if (NameGiven && ParameterSetName == PipelineSet)
            {
                // Nothing was piped in: an unattended run reads the definition's -SourcePath.
                RunFromSourcePath(definition!);
            }
        }
        finally
        {
            ReleaseRun();
        }
    }

    /// <summary>Ends this invocation's hold on the run: the journal closes and the export's lock is released.</summary>
    private void ReleaseRun()
    {
        run?.Dispose();
        run = null;
    }

    private ExportDefinition LoadDefinition(string name)
    {
        ExportDefinition? found;
        try
        {
            found = new ExportDefinitionStore(paths).Get(name);
        }
        catch (ExportDefinitionException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ExportDefinitionInvalid", ErrorCategory.InvalidData, ex.Path));
            throw;
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ExportNameInvalid", ErrorCategory.InvalidArgument, name));
            throw;
        }

        if (found is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ItemNotFoundException($"There is no export named '{name}'. Get-CCExport lists the exports; Set-CCExport creates one."),
                "ExportNotFound", ErrorCategory.ObjectNotFound, name));
        }

        ExportConnections.ResolveForExport(this, found!.Connection, paths);
        return found;
    }

    private void RunFromSourcePath(ExportDefinition source)
    {
        definition = source;
        if (source.SourcePath.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The export '{source.Name}' has no -SourcePath, and no profiles were given. Pipe profiles in, give -Path, or set the export's -SourcePath for unattended runs."),
                "NoInput", ErrorCategory.InvalidArgument, source.Name));
        }

        List<string> files = ResolvePaths(source.SourcePath.ToArray(), literal: false);
        if (files.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new FileNotFoundException($"No CSV file matches the export's -SourcePath ({string.Join(", ", source.SourcePath)})."),
                "NoInputFiles", ErrorCategory.ObjectNotFound, source.Name));
        }

        RunFiles(files);
    }

    private void StartRun(IReadOnlyList<string> sources)
    {
        try
        {
            string? rejectPath = RejectPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(RejectPath);
            run = ExportRun.Start(paths, definition!, Segment, sources, rejectPath, whatIf: false, UserIdentity.Current, TimeProvider.System, BatchLimits(), Encoding);
        }
        catch (ExportRunningException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ExportRunning", ErrorCategory.ResourceBusy, definition!.Name));
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ExportInputInvalid", ErrorCategory.InvalidArgument, definition!.Name));
        }

        record = run!.Staging.NewRecord();
        objectReader = new ProfileObjectReader(run.Staging.Mapping.SourceFields);
        progressClock.Start();
        WriteVerbose($"Run {run.RunId} of export '{definition!.Name}' started; staging in {run.Folder}.");
    }

    /// <summary>
    /// Constant Contact's bounds, unless CC_EXPORT_BATCH_CONTACTS asks for fewer contacts a body (1 to 40,000):
    /// smaller imports finish sooner and show progress more often, at the cost of more requests.
    /// </summary>
    private ImportBatchLimits BatchLimits()
    {
        string? value = Environment.GetEnvironmentVariable("CC_EXPORT_BATCH_CONTACTS");
        if (string.IsNullOrWhiteSpace(value))
        {
            return ImportBatchLimits.Default;
        }

        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int contacts)
            || contacts < 1 || contacts > ImportBatchLimits.ConstantContactMaxContacts)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"CC_EXPORT_BATCH_CONTACTS is '{value}'; it must be a whole number from 1 to {ImportBatchLimits.ConstantContactMaxContacts}."),
                "BatchSizeInvalid", ErrorCategory.InvalidArgument, value));
        }

        return new ImportBatchLimits(MaxContacts: contacts);
    }

    private void StageObject(PSObject? item)
    {
        record!.Reset();
        record.RecordNumber = ++pipelineRecords;
        objectReader!.Read(item, record);
        ProfileOutcome outcome = run!.Staging.Add(record, out ProfileIssue? issue);
        if (outcome == ProfileOutcome.Invalid)
        {
            WriteRejected(issue!, item);
        }

        ReportStaging(null, 0, 0);
    }

    private void StageFiles(IReadOnlyList<string> files)
    {
        System.Text.Encoding? encoding = ParseEncoding();
        var mapping = run!.Staging.Mapping;
        var required = new[] { mapping.EmailField };
        long totalBytes = files.Sum(FileLength);
        long bytesDone = 0;
        foreach (string file in files)
        {
            long length = FileLength(file);
            long bytesBefore = bytesDone;
            bytesDone += length;
            CsvProfileReader reader;
            try
            {
                reader = CsvProfileReader.Open(file, mapping.SourceFields, required, new CsvReadOptions { Encoding = encoding });
            }
            catch (CsvSourceException ex)
            {
                WriteError(new ErrorRecord(ex, "CsvFile" + ex.Problem, ErrorCategory.InvalidData, file));
                continue;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "CsvFileUnreadable", ErrorCategory.ReadError, file));
                continue;
            }

            using (reader)
            {
                foreach (string missing in reader.MissingFields)
                {
                    WriteWarning($"The file '{file}' has no column '{missing}'; profiles from it give no value for it.");
                }

                var fileRecord = run.Staging.NewRecord();
                while (reader.Read(fileRecord))
                {
                    ProfileOutcome outcome = run.Staging.Add(fileRecord, out ProfileIssue? issue);
                    if (outcome == ProfileOutcome.Invalid)
                    {
                        WriteRejected(issue!, RejectTarget(fileRecord, mapping.EmailIndex));
                    }

                    // From the bytes a profile so far the staging estimates how many are coming, and sizes the
                    // duplicate check for them once instead of growing it through every size on the way.
                    run.Staging.NoteBytesRead(bytesBefore + reader.BytesRead, totalBytes);
                    ReportStaging(file, reader.BytesRead, length);
                    if (StopToken.IsCancellationRequested)
                    {
                        throw new PipelineStoppedException();
                    }
                }
            }
        }
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

    /// <summary>A whole run of CSV files, from its lock to its result; the run is let go however it ends.</summary>
    private void RunFiles(IReadOnlyList<string> files)
    {
        StartRun(files);
        try
        {
            StageAndFinish(files);
        }
        finally
        {
            ReleaseRun();
        }
    }

    /// <summary>
    /// Stages CSV files and sends them: each import goes out as soon as its body is staged when nothing can make the
    /// run stop before sending (no -WhatIf, no confirmation to ask, and the files cannot hold more than MaxProfiles);
    /// otherwise staging ends before anything is sent.
    /// </summary>
    private void StageAndFinish(IReadOnlyList<string> files)
    {
        if (!WouldAskBeforeSending() && FitMaxProfiles(files))
        {
            StageWhileSending(files);
            return;
        }

        StageFiles(files);
        FinishRun();
    }

    /// <summary>True when the files cannot hold more than MaxProfiles (at most one profile a line); -Verbose says which.</summary>
    private bool FitMaxProfiles(IReadOnlyList<string> files)
    {
        long most = CsvRecordBound.Of(files);
        if (most > definition!.MaxProfiles)
        {
            WriteVerbose($"The files have {most} lines of profiles, more than MaxProfiles ({definition.MaxProfiles}): staging all of them before anything is sent.");
            return false;
        }

        WriteVerbose($"The files hold at most {most} profiles, within MaxProfiles ({definition.MaxProfiles}): each import is sent as soon as it is staged.");
        return true;
    }

    /// <summary>True when ShouldProcess would stop or ask before sending (-WhatIf, -Confirm, or the preference variables).</summary>
    private bool WouldAskBeforeSending()
    {
        var bound = MyInvocation.BoundParameters;
        bool whatIf = bound.TryGetValue("WhatIf", out object? w)
            ? ((SwitchParameter)w).IsPresent
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        if (whatIf)
        {
            return true;
        }

        if (bound.TryGetValue("Confirm", out object? c))
        {
            return ((SwitchParameter)c).IsPresent;
        }

        object? preference = SessionState.PSVariable.GetValue("ConfirmPreference");
        if (preference is null)
        {
            return false;
        }

        if (!LanguagePrimitives.TryConvertTo(preference, out ConfirmImpact threshold))
        {
            // An odd value: let ShouldProcess decide, after staging, as it would for any run.
            return true;
        }

        return threshold != ConfirmImpact.None && threshold <= ConfirmImpact.Medium;
    }

    private void StageWhileSending(IReadOnlyList<string> files)
    {
        ExportRun current = run!;
        ConnectionSession session = ExportConnections.ResolveForExport(this, current.Status.Manifest.Connection, paths);
        RunState state;
        using (ConstantContactApi api = ExportConnections.OpenApi(session, LogVerbose))
        using (var senderStop = System.Threading.CancellationTokenSource.CreateLinkedTokenSource(StopToken))
        {
            current.FeedBatchesAsStaged();
            System.Threading.Tasks.Task<RunState> sending = StartWork(_ =>
                current.SendWhileStagingAsync(api, definition!.MaxProfiles, NoWait, e => Post(() => Tell(e)), senderStop.Token));
            try
            {
                StageFiles(files);
                ReportStaged(current.CompleteStaging());
            }
            catch
            {
                // The staging failed or was stopped: the sender stops too (journaling Stopped) before the run is let go.
                senderStop.Cancel();
                current.AbandonFeed();
                try
                {
                    AwaitWork(sending);
                }
                catch (Exception)
                {
                    // The staging's failure is the one to report.
                }

                throw;
            }

            state = AwaitSending(current, () => AwaitWork(sending));
        }

        ReportOutcome(current, state);
    }

    private void ReportStaged(RunStatus status)
    {
        WriteProgress(new ProgressRecord(1, StagingActivity, "Staged") { RecordType = ProgressRecordType.Completed });
        WriteVerbose($"Staged {status.InputCount} profiles: {status.SubmittedCount} to send in {status.BatchCount} batches, {status.InvalidCount} invalid, {status.DuplicateCount} duplicates, {status.OutOfSegmentCount} out of segment.");
    }

    private void FinishRun()
    {
        ExportRun current = run!;
        RunStatus status;
        try
        {
            status = current.CompleteStaging();
        }
        catch (RunSourceChangedException ex)
        {
            current.End(RunState.Failed, ex.Message);
            WriteObject(CCExportRun.From(current.Status));
            ThrowTerminatingError(new ErrorRecord(ex, "RunSourceChanged", ErrorCategory.InvalidData, current.RunId));
            throw;
        }

        ReportStaged(status);

        if (status.SubmittedCount > definition!.MaxProfiles)
        {
            string message = $"The run would send {status.SubmittedCount} profiles, more than the export's MaxProfiles ({definition.MaxProfiles}). Nothing was sent.";
            current.End(RunState.Failed, message);
            WriteObject(CCExportRun.From(current.Status));
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(message), "MaxProfilesExceeded", ErrorCategory.LimitsExceeded, definition.Name));
        }

        string target = $"export '{definition.Name}' to list(s) {string.Join(", ", definition.ListNames.Count > 0 ? definition.ListNames : definition.ListIds)}";
        string action = $"Send {status.SubmittedCount} contacts in {status.BatchCount} import(s)";
        if (!ShouldProcess(target, action))
        {
            current.End(RunState.WhatIf, $"WhatIf: {status.SubmittedCount} contacts in {status.BatchCount} import(s) were staged and not sent.");
            WriteObject(CCExportRun.From(current.Status));
            return;
        }

        Send(current);
    }

    private void ResumeRun()
    {
        ExportDefinition resumed = LoadDefinition(Name!);
        definition = resumed;
        try
        {
            run = ExportRun.OpenForResume(paths, resumed.Name, RunId, TimeProvider.System);
        }
        catch (ExportRunningException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ExportRunning", ErrorCategory.ResourceBusy, resumed.Name));
        }

        if (run is null)
        {
            string which = RunId is null ? $"The export '{resumed.Name}' has no unfinished run" : $"The export '{resumed.Name}' has no run '{RunId}'";
            ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException(which + " to resume."), "RunNotFound", ErrorCategory.ObjectNotFound, RunId ?? resumed.Name));
        }

        if (!run!.Status.IsStaged)
        {
            // Staging the same files again makes the run as it would have been; bodies sent while it first staged
            // (fingerprints in the journal) must come out the same, or nothing more is sent (RunSourceChanged).
            if (run.RestageableFiles is { } files)
            {
                WriteVerbose(run.Status.AnySent
                    ? $"Run {run.RunId} stopped while staging, after it had sent {run.Status.BodyHashes.Count} batch(es); staging its {files.Count} file(s) again and checking that those come out the same."
                    : $"Run {run.RunId} stopped while staging, before anything was sent; staging its {files.Count} file(s) again.");
                Encoding = run.Status.Manifest.Encoding;
                run.RestartStaging(resumed, BatchLimits());
                progressClock.Start();
                StageFiles(files);
                FinishRun();
                return;
            }

            run.End(RunState.Failed, run.Status.Manifest.Sources.Contains("pipeline")
                ? "The run stopped while staging, before anything was sent: piped input is not kept, so start a new run."
                : $"The run stopped while staging{(run.Status.AnySent ? $", after it had sent {run.Status.BodyHashes.Count} batch(es)," : ", before anything was sent,")} and its files are gone ({string.Join(", ", run.Status.Manifest.Sources)}): start a new run.");
            WriteObject(CCExportRun.From(run.Status));
            return;
        }

        if (!run.Status.IsUnfinished)
        {
            WriteWarning($"Run {run.RunId} is already {run.Status.State}; there is nothing to resume.");
            WriteObject(CCExportRun.From(run.Status));
            return;
        }

        WriteVerbose($"Resuming run {run.RunId}: {run.Status.UnsentBatches().Count()} batches to send, {run.Status.PendingActivities().Count()} activities to wait for.");
        Send(run);
    }

    private void Send(ExportRun current)
    {
        ConnectionSession session = ExportConnections.ResolveForExport(this, current.Status.Manifest.Connection, paths);
        RunState state;
        using (ConstantContactApi api = ExportConnections.OpenApi(session, LogVerbose))
        {
            state = AwaitSending(current, () => Run(ct => current.SendAsync(api, NoWait, e => Post(() => Tell(e)), ct)));
        }

        ReportOutcome(current, state);
    }

    private RunState AwaitSending(ExportRun current, Func<RunState> sending)
    {
        try
        {
            return sending();
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: the sender journaled Stopped before it ended; -Resume continues the run.
            current.Dispose();
            run = null;
            throw;
        }
    }

    private void ReportOutcome(ExportRun current, RunState state)
    {
        WriteProgress(new ProgressRecord(2, SendingActivity, "Done") { RecordType = ProgressRecordType.Completed });
        CCExportRun result = CCExportRun.From(current.Status);
        WriteObject(result);
        switch (state)
        {
            case RunState.Failed:
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(result.Message), "ExportFailed", ErrorCategory.InvalidResult, result));
                break;
            case RunState.Stopped when !StopToken.IsCancellationRequested:
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(result.Message), "ExportStopped", ErrorCategory.LimitsExceeded, result));
                break;
        }
    }

    private void Tell(SenderEvent e)
    {
        int batches = e.BatchCount;
        switch (e.Kind)
        {
            case SenderEventKind.Verbose:
                WriteVerbose(e.Message);
                break;
            case SenderEventKind.Warning:
                WriteWarning(e.Message);
                break;
            case SenderEventKind.Progress:
                // While the run still stages, the number of batches is not known yet.
                WriteProgress(new ProgressRecord(2, SendingActivity, batches > 0
                    ? $"{e.BatchesSubmitted} of {batches} batches submitted, {e.ActivitiesDone} activities done"
                    : $"{e.BatchesSubmitted} batches submitted while staging goes on")
                {
                    PercentComplete = batches > 0 ? Math.Min(100, (e.BatchesSubmitted + e.ActivitiesDone) * 100 / (batches * 2)) : -1,
                    CurrentOperation = e.Message,
                });
                WriteVerbose(e.Message);
                break;
        }
    }

    private string StagingActivity => $"Staging export '{definition?.Name}'";

    private string SendingActivity => $"Sending export '{definition?.Name}' to Constant Contact";

    private void ReportStaging(string? file, long bytesRead, long length)
    {
        // Progress costs more than a profile: at most four updates a second.
        long now = progressClock.ElapsedMilliseconds;
        if (now - lastProgressAt < 250)
        {
            return;
        }

        long records = run!.Staging.Ledger.InputCount;
        double seconds = Math.Max(0.001, now / 1000.0);
        var progress = new ProgressRecord(1, StagingActivity, $"{records:N0} profiles read ({records / seconds:N0}/s)")
        {
            CurrentOperation = file ?? "pipeline input",
        };
        if (length > 0)
        {
            progress.PercentComplete = (int)Math.Min(100, bytesRead * 100 / length);
        }

        lastProgressAt = now;
        WriteProgress(progress);

        // While imports go out as the run stages, the sender's messages wait for the pipeline thread.
        DrainPosted();
    }

    private void WriteRejected(ProfileIssue issue, object? target)
    {
        var error = new ErrorRecord(new ProfileRejectedException(issue), issue.Reason.ToString(), ErrorCategory.InvalidData, target)
        {
            ErrorDetails = new ErrorDetails(issue.Message) { RecommendedAction = "Correct the profile at its source; the reject report lists every rejected profile." },
        };
        WriteError(error);
    }

    private static PSObject RejectTarget(ProfileRecord fileRecord, int emailIndex)
    {
        var target = new PSObject();
        target.Properties.Add(new PSNoteProperty("Source", fileRecord.SourceName));
        target.Properties.Add(new PSNoteProperty("Line", fileRecord.LineNumber));
        target.Properties.Add(new PSNoteProperty("RecordNumber", fileRecord.RecordNumber));
        SourceValue email = fileRecord.Values[emailIndex];
        target.Properties.Add(new PSNoteProperty("Email", email.Kind == SourceValueKind.Text ? email.Text : null));
        return target;
    }

    private List<string> ResolvePaths(string[] patterns, bool literal)
    {
        var files = new List<string>();
        foreach (string pattern in patterns)
        {
            try
            {
                if (literal)
                {
                    string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(pattern);
                    if (!File.Exists(path))
                    {
                        throw new ItemNotFoundException($"Cannot find the file '{path}'.");
                    }

                    files.Add(path);
                }
                else
                {
                    files.AddRange(SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out ProviderInfo provider)
                        .Where(File.Exists));
                }
            }
            catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                WriteError(new ErrorRecord(ex, "InputFileNotFound", ErrorCategory.ObjectNotFound, pattern));
            }
        }

        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    private System.Text.Encoding? ParseEncoding()
    {
        if (string.IsNullOrWhiteSpace(Encoding))
        {
            return null;
        }

        try
        {
            return Encoding!.ToLowerInvariant() switch
            {
                "utf8" or "utf-8" or "utf8bom" or "utf8nobom" => new UTF8Encoding(false, true),
                "unicode" or "utf-16" or "utf16" => System.Text.Encoding.Unicode,
                "bigendianunicode" => System.Text.Encoding.BigEndianUnicode,
                "utf32" => System.Text.Encoding.UTF32,
                "latin1" => System.Text.Encoding.GetEncoding("iso-8859-1"),
                "ascii" => System.Text.Encoding.ASCII,
                _ => int.TryParse(Encoding, out int codePage) ? System.Text.Encoding.GetEncoding(codePage) : System.Text.Encoding.GetEncoding(Encoding),
            };
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{Encoding}' is not an encoding this system knows.", ex), "EncodingInvalid", ErrorCategory.InvalidArgument, Encoding));
            throw;
        }
    }
}
