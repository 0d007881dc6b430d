using System.Management.Automation;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;

using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Remove-CCExport cmdlet. Its help has one source, docs/en-US/Remove-CCExport.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Remove, "CCExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Remove-CCExport.md")]
[OutputType(typeof(void))]
public sealed class RemoveCCExportCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ExportName")]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    protected override void ProcessRecord()
    {
        StoragePaths paths = ModuleHome.Open(this);
        var store = new ExportDefinitionStore(paths);
        foreach (string name in Name)
        {
            string path;
            try
            {
                path = store.PathOf(name);
            }
            catch (System.ArgumentException ex)
            {
                WriteError(new ErrorRecord(ex, "ExportNameInvalid", ErrorCategory.InvalidArgument, name));
                continue;
            }

            if (!store.Exists(name))
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"There is no export named '{name}'."), "ExportNotFound", ErrorCategory.ObjectNotFound, name));
                continue;
            }

            int runs = new RunStore(paths).RunIds(name).Count;
            if (!ShouldProcess(path, $"Remove export '{name}' and its {runs} run(s)"))
            {
                continue;
            }

            try
            {
                int removed = ExportRemoval.Remove(paths, name, System.TimeProvider.System);
                WriteVerbose($"Removed export '{name}' and {removed} run(s).");
            }
            catch (ExportRunningException ex)
            {
                WriteError(new ErrorRecord(ex, "ExportRunning", ErrorCategory.ResourceBusy, name));
            }
            catch (System.Exception ex) when (ex is System.IO.IOException or System.UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "ExportRemoveFailed", ErrorCategory.WriteError, name));
            }
        }
    }
}
