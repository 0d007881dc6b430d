using System;
using System.Collections;
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

/// <summary>The Invoke-CCExport cmdlet. Its help has one source, docs/en-US/Invoke-CCExport.md, built into the module's MAML help.</summary>
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

    // Per piped object, these would cost a dictionary lookup and a closure each: both are made once.
    private bool? nameGivenOnce;
    private Action<PSObject?>? stageProfile;

    [Parameter(Position = 0, ParameterSetName = PipelineSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = LiteralPathSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ResumeSet)]
    [ValidateNotNullOrEmpty]
    [Alias("ExportName")]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    public string? Name { get; set; }

    // One PSObject: a PSObject[] would make PowerShell wrap each piped object into a new array (a third of a
    // microsecond a profile). A list (-InputObject @(...), or one piped as a single object) is taken item by item in
    // ProcessRecord, as binding it to an array would.
    [Parameter(ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    [Parameter(ParameterSetName = PipelineSet)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Segment { get; set; }

    [Parameter(ParameterSetName = PipelineSet)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? RejectPath { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    public string? Encoding { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    public char? Delimiter { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Header { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    [ValidateRange(0L, 100L)]
    public long? MaxRejectPercent { get; set; }

    [Parameter]
    public SwitchParameter ErrorPerReject { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = PipelineSet)]
    public SwitchParameter Full { get; set; }

    [Parameter]
    public SwitchParameter NoWait { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResumeSet)]
    public SwitchParameter Resume { get; set; }

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

        PSObject? input = InputObject;
        if (input?.BaseObject is IList items)
        {
            // A list is its items, each one profile (a $null among them an Invalid one), as PowerShell binds a list to an array.
            foreach (object? item in items)
            {
                Take(item is null ? null : PSObject.AsPSObject(item));
            }
        }
        else if (input is not null || MyInvocation.ExpectingInput)
        {
            // A $null piped in is one profile all the same (an Invalid one); -InputObject $null is none.
            Take(input);
        }
    }

    /// <summary>One input object: a profile to stage, a CSV file, or (without -Name) an export to run.</summary>
    private void Take(PSObject? item)
    {
        bool nameGiven = nameGivenOnce ??= NameGiven;
        object? baseObject = item?.BaseObject;
        if (!nameGiven && baseObject is CCExport export)
        {
            // Get-CCExport | Invoke-CCExport: each export runs from its own -SourcePath; its failure waits for the end.
            RunPipedExport(export.Name);
            return;
        }

        if (!nameGiven)
        {
            this.Fail(new ErrorRecord(
                new ArgumentException("Name the export to run: Invoke-CCExport -Name <export>, with profiles piped in."),
                "ExportNameMissing", ErrorCategory.InvalidArgument, item));
        }

        if (baseObject is FileInfo file)
        {
            // Get-ChildItem *.csv | Invoke-CCExport: the files are read as CSV, as Import-Csv binds them.
            RefuseMixedInput(profile: false, item);
            pipedFiles.Add(file.FullName);
            return;
        }

        RefuseMixedInput(profile: true, item);
        Guard(stageProfile ??= StageProfile, item);
    }

    /// <summary>Reads one piped object into the run's record and stages it (the first one starts the run).</summary>
    private void StageProfile(PSObject? item)
    {
        piped ??= StartPipeline();
        ProfileRecord record = piped.NextRecord();
        objectReader!.Read(item, record);
        piped.Add(record);
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
            this.Fail(new ErrorRecord(
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
