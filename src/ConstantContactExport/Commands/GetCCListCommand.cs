using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Get-CCList cmdlet. Its help has one source, docs/en-US/Get-CCList.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Get, "CCList", HelpUri = HelpLinks.Base + "Get-CCList.md")]
[OutputType(typeof(CCList))]
public sealed class GetCCListCommand : AsyncPSCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ListNameCompleter))]
    public string[] Name { get; set; } = { "*" };

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.ConnectionNameCompleter))]
    public ConnectionPipeBind? Connection { get; set; }

    protected override void ProcessRecord()
    {
        ConnectionSession session = ExportConnections.Resolve(this, Connection?.Name, ModuleHome.Open(this));
        string connection = session.Connection.Name;
        using ConstantContactApi api = ExportConnections.OpenApi(session, LogVerbose);
        IReadOnlyList<ContactListInfo> lists = RunOrFail(ct => api.GetListsAsync(ct), connection, "ListReadFailed");
        SaveForCompletion(session.Paths, connection, lists);
        var patterns = Array.ConvertAll(Name, n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase));
        foreach (ContactListInfo list in lists)
        {
            if (Array.Exists(patterns, p => p.IsMatch(list.Name)))
            {
                WriteObject(new CCList { ListId = list.ListId, Name = list.Name, MembershipCount = list.MembershipCount, Connection = connection });
            }
        }
    }

    /// <summary>Keeps the names for Tab completion, which never calls the network; a cache that cannot be written only costs completion.</summary>
    private void SaveForCompletion(StoragePaths paths, string connection, IReadOnlyList<ContactListInfo> lists)
    {
        try
        {
            new ListNameCache(paths).Save(connection, lists.Select(l => l.Name));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteVerbose($"The list names were not cached for completion: {ex.Message}");
        }
    }
}
