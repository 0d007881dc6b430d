using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Completion;

/// <summary>Completes saved export names from the export definition files (local, no network).</summary>
public sealed class ExportNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionText.Complete(LocalNames.In(StoragePaths.FromEnvironment().Exports), wordToComplete, "Export ", TakesPattern(commandName));

    /// <summary>Get-CCExport and Get-CCExportRun take -Name as a pattern: 'a[1]' offered as it is would also match 'a1'.</summary>
    private static bool TakesPattern(string? commandName)
    {
        string bare = commandName?.Substring(commandName.LastIndexOf('\\') + 1) ?? string.Empty;
        return string.Equals(bare, "Get-CCExport", System.StringComparison.OrdinalIgnoreCase)
            || string.Equals(bare, "Get-CCExportRun", System.StringComparison.OrdinalIgnoreCase);
    }
}
