using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Completion;

/// <summary>Completes run ids from the run folders, newest first; only the -Name export's runs when one is typed.</summary>
public sealed class RunIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string? export = CompletionText.BoundName(fakeBoundParameters, "Name");
        if (export is not null && WildcardPattern.ContainsWildcardCharacters(export))
        {
            export = null;
        }

        IReadOnlyList<string> ids;
        try
        {
            ids = new RunStore(StoragePaths.FromEnvironment()).RunIds(export);
        }
        catch (System.Exception ex) when (ex is System.IO.IOException or System.UnauthorizedAccessException or System.ArgumentException)
        {
            ids = System.Array.Empty<string>();
        }

        return CompletionText.Complete(ids.Reverse(), wordToComplete, "Run ");
    }
}
