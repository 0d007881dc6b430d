using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Remove-CCExportRun cmdlet. Its help has one source, docs/en-US/Remove-CCExportRun.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Remove, "CCExportRun", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet, HelpUri = HelpLinks.Base + "Remove-CCExportRun.md")]
[OutputType(typeof(void))]
public sealed class RemoveCCExportRunCommand : PSCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByIdSet = "ById";
    private const string ByAgeSet = "ByAge";

    private StoragePaths paths = null!;
    private RunRetention retention = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByNameSet)]
    [Alias("ExportName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.RunIdCompleter))]
    public string[]? RunId { get; set; }

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(Mandatory = true, ParameterSetName = ByAgeSet)]
    public DateTime OlderThan { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        paths = ModuleHome.Open(this);
        retention = new RunRetention(paths, TimeProvider.System);
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ByIdSet:
                foreach (string id in RunId!)
                {
                    if (FindRun(id) is StoredRun run)
                    {
                        RemoveRuns(run.ExportName, new[] { run }, explicitly: true);
                    }
                }

                break;
            case ByNameSet:
                foreach (string name in Name!)
                {
                    RemoveExportRuns(name);
                }

                break;
            default:
                foreach (IGrouping<string?, StoredRun> export in retention.Runs().Where(IsOlder).GroupBy(r => r.ExportName, StringComparer.OrdinalIgnoreCase))
                {
                    RemoveRuns(export.Key, export.ToList(), explicitly: false);
                }

                break;
        }
    }

    private bool IsOlder(StoredRun run) =>
        !MyInvocation.BoundParameters.ContainsKey(nameof(OlderThan)) || run.LastActivity < new DateTimeOffset(OlderThan);

    private StoredRun? FindRun(string id)
    {
        StoredRun? run;
        try
        {
            run = retention.Find(id);
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, "RunIdInvalid", ErrorCategory.InvalidArgument, id));
            return null;
        }

        if (run is null)
        {
            WriteError(new ErrorRecord(new ItemNotFoundException($"There is no run '{id}'. Get-CCExportRun lists the runs."), "RunNotFound", ErrorCategory.ObjectNotFound, id));
            return null;
        }

        return run;
    }

    private void RemoveExportRuns(string name)
    {
        IReadOnlyList<StoredRun> runs;
        try
        {
            SafeName.Check(name, "export");
            runs = retention.Runs(name);
        }
        catch (ArgumentException ex)
        {
            WriteError(new ErrorRecord(ex, "ExportNameInvalid", ErrorCategory.InvalidArgument, name));
            return;
        }

        if (runs.Count == 0 && !new ExportDefinitionStore(paths).Exists(name))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"There is no export named '{name}', and no run of one. Get-CCExport lists the exports."), "ExportNotFound", ErrorCategory.ObjectNotFound, name));
            return;
        }

        RemoveRuns(name, runs.Where(IsOlder).ToList(), explicitly: false);
    }

    /// <summary>
    /// Deletes runs of one export under its lock, so that none of them is running or resumed meanwhile. An unfinished
    /// run needs -Force: named by -RunId it is an error without it, picked by -Name or -OlderThan it is kept and counted.
    /// </summary>
    private void RemoveRuns(string? exportName, IReadOnlyList<StoredRun> runs, bool explicitly)
    {
        if (runs.Count == 0)
        {
            return;
        }

        IDisposable? exportLock = null;
        try
        {
            if (exportName is not null)
            {
                exportLock = RunRetention.LockExport(paths, exportName);
            }
        }
        catch (ExportRunningException ex)
        {
            var running = new InvalidOperationException(
                $"The export '{exportName}' is running now (in this or another process): its runs are not removed while it runs. Try again when the run has ended.", ex);
            WriteError(new ErrorRecord(running, "ExportRunning", ErrorCategory.ResourceBusy, exportName));
            return;
        }

        using (exportLock)
        {
            int kept = 0;
            foreach (StoredRun run in runs)
            {
                if (run.IsUnfinished && !Force)
                {
                    if (explicitly)
                    {
                        string why = run.Status!.IsDamaged
                            ? $"{run.Status.Message} Use -Force to remove it."
                            : $"Run {run.RunId} of export '{exportName}' is {run.Status.State}: Invoke-CCExport -Resume can still go on with it. Use -Force to remove it anyway.";
                        WriteError(new ErrorRecord(
                            new InvalidOperationException(why),
                            "RunUnfinished", ErrorCategory.InvalidOperation, run.RunId));
                    }

                    kept++;
                    continue;
                }

                string target = $"run {run.RunId} of export '{exportName ?? "(unreadable)"}' ({run.Folder})";
                if (!ShouldProcess(target, "Remove run"))
                {
                    continue;
                }

                try
                {
                    retention.Delete(run);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    WriteError(new ErrorRecord(ex, "RunRemoveFailed", ErrorCategory.WriteError, run.RunId));
                }
            }

            if (kept > 0 && !explicitly)
            {
                WriteWarning($"{kept} unfinished run(s) of export '{exportName}' were kept: Invoke-CCExport -Resume can still go on with them. Use -Force to remove them too.");
            }
        }
    }
}
