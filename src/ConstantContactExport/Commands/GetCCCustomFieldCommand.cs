using System;
using System.Collections.Generic;
using System.Management.Automation;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>
/// <para type="synopsis">Gets the account's custom fields (name, label, type): the names Set-CCExport -Attribute maps as 'cf:name'.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "CCCustomField", HelpUri = HelpLinks.Base + "Get-CCCustomField.md")]
[OutputType(typeof(CCCustomField))]
public sealed class GetCCCustomFieldCommand : AsyncPSCmdlet
{
    /// <summary><para type="description">Custom field names or labels to show; wildcards allowed. All by default.</para></summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = { "*" };

    /// <summary><para type="description">The connection (a name or a connection object); the default connection when omitted.</para></summary>
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
