using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;
using ConstantContactExport.Profiles;

namespace ConstantContactExport.Commands;

/// <summary>
/// <para type="synopsis">Runs an export: maps, validates, de-duplicates and stages profiles, submits bulk imports, waits for Constant Contact, and returns the run.</para>
/// </summary>
/// <remarks>
/// Binding only: the run itself is <see cref="ExportRunner"/>'s. This part binds the input (profiles, piped file
/// objects, piped exports), the other (InvokeCCExportCommand.Runs.cs) resolves paths, starts runners and writes records.
/// </remarks>
[Cmdlet(VerbsLifecycle.Invoke, "CCExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PipelineSet, HelpUri = HelpLinks.Base + "Invoke-CCExport.md")]
[OutputType(typeof(CCExportRun))]
public sealed partial class InvokeCCExportCommand : AsyncPSCmdlet
{
    private const string PipelineSet = "Pipeline";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string ResumeSet = "Resume";

    private StoragePaths paths = null!;
    private ExportDefinition? definition;
    private ConnectionSession? session;
    private ExportRunner? piped;
    private ProfileObjectReader? objectReader;
    private readonly List<string> pipedFiles = new();
    private bool anyProfilePiped;

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

    /// <summary><para type="description">The CSV files' delimiter, as Import-Csv -Delimiter takes it. By default each file's is found from its first lines (comma, semicolon, tab or pipe).</para></summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    public char? Delimiter { get; set; }

    /// <summary><para type="description">The CSV files' column names, as Import-Csv -Header takes them: the files have no header row, and their first line is a profile.</para></summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Header { get; set; }

    /// <summary><para type="description">The share of in-segment profiles (0 to 100) this run may reject, instead of the export's MaxRejectPercent (10 by default). Past it the run ends Failed with RejectLimitExceeded.</para></summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    [ValidateRange(0L, 100L)]
    public long? MaxRejectPercent { get; set; }

    /// <summary><para type="description">Also write one non-terminating error for each rejected profile (ErrorId: its reason), for interactive use. Without it a run writes one warning that sums the rejects up by reason, so that -ErrorAction Stop stops on a failed run and never on one bad address.</para></summary>
    [Parameter]
    public SwitchParameter ErrorPerReject { get; set; }

    /// <summary><para type="description">Send every profile, including the ones the export's sync state has unchanged since the last run (UnchangedCount is then 0). The sync state is still updated with what Constant Contact confirms. For a list that was changed outside this module, or to repair one.</para></summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    public SwitchParameter Full { get; set; }

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
            piped?.Dispose();
            piped = null;
        }

        base.Dispose(disposing);
    }

    protected override void BeginProcessing()
    {
        paths = ModuleHome.Open(this);
        if (ParameterSetName == ResumeSet || !NameGiven)
        {
            return;
        }

        Guard(() =>
        {
            (definition, session) = LoadDefinition(Name!);
            if (ParameterSetName is PathSet or LiteralPathSet)
            {
                RunFiles(definition, session, ResolvePaths(ParameterSetName == PathSet ? Path! : LiteralPath!, literal: ParameterSetName == LiteralPathSet), Path ?? LiteralPath);
            }
        });
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ResumeSet)
        {
            // Resume binds nothing from the pipeline: a piped export object must choose the pipeline set.
            Guard(ResumeRun);
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
                // Get-CCExport | Invoke-CCExport: each export runs from its own -SourcePath; its failure waits for the end.
                RunPipedExport(export.Name);
                continue;
            }

            if (!NameGiven)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("Name the export to run: Invoke-CCExport -Name <export>, with profiles piped in."),
                    "ExportNameMissing", ErrorCategory.InvalidArgument, item));
            }

            if (item?.BaseObject is FileInfo file)
            {
                // Get-ChildItem *.csv | Invoke-CCExport: the files are read as CSV, as Import-Csv binds them.
                RefuseMixedInput(profile: false, item);
                pipedFiles.Add(file.FullName);
                continue;
            }

            RefuseMixedInput(profile: true, item);
            Guard(() =>
            {
                piped ??= StartPipeline();
                ProfileRecord record = piped.NextRecord();
                objectReader!.Read(item, record);
                piped.Add(record);
            });
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == PipelineSet && NameGiven)
        {
            Guard(() =>
            {
                if (pipedFiles.Count > 0)
                {
                    RunFiles(definition!, session!, pipedFiles, Name);
                }
                else if (piped is not null || MyInvocation.ExpectingInput)
                {
                    // Piped input stages whole before it is judged and sent; an empty pipeline fails as InputEmpty.
                    piped ??= StartPipeline();
                    Report(piped.FinishPipeline(StopToken));
                }
                else
                {
                    // Nothing was piped in: an unattended run reads the definition's -SourcePath.
                    RunSourcePath(definition!, session!);
                }
            });
        }

        WriteCollectedFailures();
    }

    private void RefuseMixedInput(bool profile, object? item)
    {
        if (profile ? pipedFiles.Count > 0 : anyProfilePiped)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Pipe either profiles or CSV file objects into one run, not both."),
                "InputMixed", ErrorCategory.InvalidArgument, item));
        }

        anyProfilePiped |= profile;
    }

    private ExportRunner StartPipeline()
    {
        ExportRunner runner = NewRunner(definition!, session!);
        try
        {
            runner.StartPipeline();
        }
        catch
        {
            runner.Dispose();
            throw;
        }

        objectReader = new ProfileObjectReader(runner.Run!.Staging.Mapping.SourceFields);
        return runner;
    }
}
