using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Completion;

/// <summary>
/// Completes contact list names from the cache that Get-CCList writes (<see cref="ListNameCache"/>): the
/// lists of the -Connection typed on the command line, or of every connection. Tab never calls the API, so
/// it never hangs on a slow network; run Get-CCList once to fill or refresh the cache.
/// </summary>
public sealed class ListNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cache = new ListNameCache(StoragePaths.FromEnvironment());
        string? connection = CompletionText.BoundName(fakeBoundParameters, "Connection");
        IReadOnlyList<string> names = connection is null ? cache.LoadAll() : cache.Load(connection);
        return CompletionText.Complete(names, wordToComplete, "List ");
    }
}
