using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Completion;

/// <summary>Completes connection names from the connection files (local, no network).</summary>
public sealed class ConnectionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionText.Complete(LocalNames.In(StoragePaths.FromEnvironment().Connections), wordToComplete, "Connection ");
}
