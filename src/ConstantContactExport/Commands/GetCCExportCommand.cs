using System;
using System.Management.Automation;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;

using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Get-CCExport cmdlet. Its help has one source, docs/en-US/Get-CCExport.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Get, "CCExport", HelpUri = HelpLinks.Base + "Get-CCExport.md")]
[OutputType(typeof(CCExport))]
public sealed class GetCCExportCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("ExportName")]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = { "*" };

    protected override void ProcessRecord()
    {
        var store = new ExportDefinitionStore(ModuleHome.Open(this));
        foreach (string pattern in Name)
        {
            if (SafeName.PatternProblem(pattern) is { } problem)
            {
                WriteError(new ErrorRecord(SafeName.Unusable(pattern, "export", problem), "ExportNameInvalid", ErrorCategory.InvalidArgument, pattern));
                continue;
            }

            var match = new ExportNameMatch(pattern);
            bool found = false;
            foreach (string name in store.Names())
            {
                if (!match.Matches(name))
                {
                    continue;
                }

                found = true;
                try
                {
                    ExportDefinition definition = store.Get(name)!;
                    WriteObject(CCExport.From(definition, store.PathOf(name)));
                }
                catch (ExportDefinitionException ex)
                {
                    WriteError(new ErrorRecord(ex, "ExportDefinitionInvalid", ErrorCategory.InvalidData, ex.Path));
                }
            }

            if (!found && match.IsPlain)
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"There is no export named '{TextChecks.Printable(match.Written)}'."),
                    "ExportNotFound", ErrorCategory.ObjectNotFound, match.Written));
            }
        }
    }
}
