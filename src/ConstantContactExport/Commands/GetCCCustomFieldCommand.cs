using System;
using System.Collections.Generic;
using System.Management.Automation;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Get-CCCustomField cmdlet. Its help has one source, docs/en-US/Get-CCCustomField.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Get, "CCCustomField", HelpUri = HelpLinks.Base + "Get-CCCustomField.md")]
[OutputType(typeof(CCCustomField))]
public sealed class GetCCCustomFieldCommand : AsyncPSCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = { "*" };

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.ConnectionNameCompleter))]
    public ConnectionPipeBind? Connection { get; set; }

    protected override void ProcessRecord()
    {
        ConnectionSession session = ExportConnections.Resolve(this, Connection?.Name, ModuleHome.Open(this));
        string connection = session.Connection.Name;
        using ConstantContactApi api = ExportConnections.OpenApi(session, LogVerbose);
        IReadOnlyList<CustomFieldInfo> fields = RunOrFail(ct => api.GetCustomFieldsAsync(ct), connection, "CustomFieldReadFailed");
        var patterns = Array.ConvertAll(Name, n => WildcardPattern.Get(n.StartsWith("cf:", StringComparison.OrdinalIgnoreCase) ? n.Substring(3) : n, WildcardOptions.IgnoreCase));
        foreach (CustomFieldInfo field in fields)
        {
            if (Array.Exists(patterns, p => p.IsMatch(field.Name) || p.IsMatch(field.Label)))
            {
                WriteObject(CCCustomField.From(field, connection));
            }
        }
    }
}
