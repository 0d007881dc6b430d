using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Get-CCExportRun cmdlet. Its help has one source, docs/en-US/Get-CCExportRun.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Get, "CCExportRun", HelpUri = HelpLinks.Base + "Get-CCExportRun.md")]
[OutputType(typeof(CCExportRun))]
public sealed class GetCCExportRunCommand : AsyncPSCmdlet
{
    // One parameter set: a piped run binds both -Name (ExportName) and -RunId. With a set for each, PowerShell settles
    // on the default one as soon as -Name binds, and a piped run would give its export's latest run instead of itself.
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ExportName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    public string[]? Name { get; set; } = { "*" };

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.RunIdCompleter))]
    public string? RunId { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; } = 1;

    [Parameter]
    public SwitchParameter Refresh { get; set; }

    // Given on the command line, not taken from a piped object (binding from the pipeline comes after BeginProcessing).
    private bool nameGiven;
    private bool lastGiven;

    // A damaged run whose run.json names no export may be any export's: a listing (a wildcard, or no -Name) shows it, and
    // a name asked for says it once an invocation, however many are piped, as a warning beside that export's runs.
    private readonly HashSet<string> toldWithoutExport = new(StringComparer.OrdinalIgnoreCase);

    protected override void BeginProcessing()
    {
        nameGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Name));
        lastGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Last));
    }

    protected override void ProcessRecord()
    {
        if (RunId is not null && lastGiven)
        {
            // -RunId given or piped in (a run object) beside -Last.
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-RunId gets one run and -Last an export's latest runs: give one or the other."),
                "RunIdWithLast", ErrorCategory.InvalidArgument, RunId));
        }

        // A name piped in (an export's, a run's) is that export's own name, never a pattern: 'a[1]' is not also 'a1'.
        bool namesPiped = !nameGiven && MyInvocation.BoundParameters.ContainsKey(nameof(Name));
        Func<string, ExportNameMatch> matchOf = namesPiped ? ExportNameMatch.Exactly : name => new ExportNameMatch(name);
        StoragePaths paths = ModuleHome.Open(this);
        var store = new RunStore(paths);
        IEnumerable<RunStatus> runs = RunId is not null ? TheRun(store, RunId, matchOf) : RunsOfExports(paths, store, matchOf);
        foreach (RunStatus status in runs)
        {
            RunStatus shown = Refresh && !status.IsDamaged && status.PendingActivities().Any() ? RefreshRun(paths, status) : status;
            WriteObject(CCExportRun.From(shown, NotRunningMessage(paths, shown)));
        }
    }

    /// <summary>-RunId: that run, if -Name (given, or piped in beside it) allows it.</summary>
    private IEnumerable<RunStatus> TheRun(RunStore store, string runId, Func<string, ExportNameMatch> matchOf)
    {
        try
        {
            store.FolderOf(runId);
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, "RunIdInvalid", ErrorCategory.InvalidArgument, runId));
            return Array.Empty<RunStatus>();
        }

        RunStatus? status = LoadOrWarn(store, runId);
        if (status is null)
        {
            WriteError(new ErrorRecord(new ItemNotFoundException($"There is no run '{runId}'."), "RunNotFound", ErrorCategory.ObjectNotFound, runId));
            return Array.Empty<RunStatus>();
        }

        // -Name beside -RunId must hold for the run: another export's run is not shown. A piped run binds both (a
        // damaged one's export name may be empty), and they agree.
        string[] names = Name?.Where(n => !string.IsNullOrEmpty(n)).ToArray() ?? Array.Empty<string>();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Name)) && names.Length > 0 && status.Manifest.ExportName.Length > 0
            && !names.Any(n => matchOf(n).Matches(status.Manifest.ExportName)))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"Run '{runId}' is a run of the export '{TextChecks.Printable(status.Manifest.ExportName)}', not of {string.Join(" or ", names.Select(n => $"'{TextChecks.Printable(n)}'"))}."),
                "RunNotFound", ErrorCategory.ObjectNotFound, runId));
            return Array.Empty<RunStatus>();
        }

        return new[] { status };
    }

    /// <summary>-Name: the latest -Last runs of each export it matches; a mistyped plain name is ExportNotFound.</summary>
    private List<RunStatus> RunsOfExports(StoragePaths paths, RunStore store, Func<string, ExportNameMatch> matchOf)
    {
        // A name no export can have ('../secrets/x'), or none at all (-Name @()), is an error, as every other command makes it.
        var matches = new List<ExportNameMatch>();
        foreach (string? name in Name is { Length: > 0 } ? Name : new string?[] { null })
        {
            if (SafeName.PatternProblem(name) is { } problem)
            {
                WriteError(new ErrorRecord(SafeName.Unusable(name, "export", problem), "ExportNameInvalid", ErrorCategory.InvalidArgument, name));
                continue;
            }

            matches.Add(matchOf(name!)); // PatternProblem refuses null and empty
        }

        if (matches.Count == 0)
        {
            return new List<RunStatus>();
        }

        // A damaged run whose manifest does not say its export is listed on its own; asked for by name, it is told.
        bool listing = matches.Any(m => !m.IsPlain);
        List<RunStatus> all = store.RunIds().Select(id => LoadOrWarn(store, id)).Where(s => s is not null).Select(s => s!).ToList();
        foreach (RunStatus unknown in all.Where(s => !listing && s.IsDamaged && s.Manifest.ExportName.Length == 0 && toldWithoutExport.Add(s.Manifest.RunId)))
        {
            WriteWarning($"Run {unknown.Manifest.RunId} is damaged and its run.json does not say its export, so it may be a run of {string.Join(" or ", matches.Select(m => $"'{TextChecks.Printable(m.Written)}'"))}: {unknown.Message} Get-CCExportRun -RunId {unknown.Manifest.RunId} shows it.");
        }

        List<RunStatus> found = all
            .Where(s => matches.Any(m => m.Matches(s.Manifest.ExportName)) || (listing && s.IsDamaged && s.Manifest.ExportName.Length == 0 && toldWithoutExport.Add(s.Manifest.RunId)))
            .GroupBy(s => s.Manifest.ExportName.Length > 0 ? s.Manifest.ExportName : "\0" + s.Manifest.RunId, StringComparer.OrdinalIgnoreCase)
            .SelectMany(g => g.Reverse().Take(Last)) // RunIds are in start order: the latest last
            .ToList();

        // A mistyped name would otherwise answer nothing, as an export that never ran does (Remove-CCExportRun says the same).
        var definitions = new ExportDefinitionStore(paths);
        bool Defined(string name) => SafeName.Problem(name) is null && definitions.Exists(name);
        foreach (ExportNameMatch match in matches.Where(m => m.IsPlain && !found.Any(s => m.Matches(s.Manifest.ExportName)) && !Defined(m.Literal) && !Defined(m.Written)))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"There is no export named '{TextChecks.Printable(match.Written)}', and no run of one. Get-CCExport lists the exports."), "ExportNotFound", ErrorCategory.ObjectNotFound, match.Written));
        }

        return found;
    }

    /// <summary>
    /// A run journaled Staging or Sending whose export nobody runs (its process was killed, or the machine stopped)
    /// would read as in progress forever: say that it is not, and how it goes on. The journal is left as it is.
    /// </summary>
    private static string? NotRunningMessage(StoragePaths paths, RunStatus status) =>
        status.State is RunState.Staging or RunState.Sending && !ExportRun.IsExportRunning(paths, status.Manifest.ExportName)
            ? $"Not running: the process that ran it ended before the run finished. Continue it with Invoke-CCExport -Name '{status.Manifest.ExportName}' -Resume -RunId {status.Manifest.RunId}."
            : null;

    private RunStatus RefreshRun(StoragePaths paths, RunStatus status)
    {
        ExportRun? run;
        try
        {
            run = ExportRun.OpenForResume(paths, status.Manifest.ExportName, status.Manifest.RunId, TimeProvider.System);
        }
        catch (ExportRunningException)
        {
            WriteWarning($"The export '{status.Manifest.ExportName}' is running now; run {status.Manifest.RunId} is shown as its journal stands.");
            return status;
        }

        using (run)
        {
            if (run is null)
            {
                return status;
            }

            ConnectionSession session = ExportConnections.Resolve(this, status.Manifest.Connection, paths);
            using var api = ExportConnections.OpenApi(session, LogVerbose);
            Run(ct => run.RefreshAsync(api, ct));
            return run.Status;
        }
    }

    private RunStatus? LoadOrWarn(RunStore store, string runId)
    {
        try
        {
            return store.Load(runId);
        }
        catch (Exception ex) when (ex is System.IO.IOException or System.IO.InvalidDataException or System.Text.Json.JsonException or ArgumentException)
        {
            WriteError(new ErrorRecord(ex, "RunUnreadable", ErrorCategory.ReadError, runId));
            return null;
        }
    }
}
