using System.Management.Automation;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Storage;

using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>
/// <para type="synopsis">Removes saved export definitions. Their runs' folders and reject reports are kept.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CCExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Remove-CCExport.md")]
[OutputType(typeof(void))]
public sealed class RemoveCCExportCommand : PSCmdlet
{
    /// <summary><para type="description">Names of the exports to remove.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ExportName")]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var store = new ExportDefinitionStore(StoragePaths.FromEnvironment());
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

            if (ShouldProcess(path, $"Remove export '{name}'"))
            {
                store.Remove(name);
            }
        }
    }
}
