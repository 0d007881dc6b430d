using System;
using System.Management.Automation;
using ConstantContactExport.Connections;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Test-CCConnection cmdlet. Its help has one source, docs/en-US/Test-CCConnection.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsDiagnostic.Test, "CCConnection", HelpUri = HelpLinks.Base + "Test-CCConnection.md")]
[OutputType(typeof(CCConnectionTestResult))]
public sealed class TestCCConnectionCommand : AsyncPSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(Completion.ConnectionNameCompleter))]
    public ConnectionPipeBind? Connection { get; set; }

    protected override void ProcessRecord()
    {
        StoragePaths paths = ModuleHome.Open(this);
        ConnectionSession session;
        try
        {
            session = RunspaceConnections.Current.Resolve(Connection, paths);
        }
        catch (ConnectionException ex)
        {
            WriteError(ErrorRecords.From(ex, Connection?.Name, ex.ErrorId));
            return;
        }

        string? account = null;
        bool reachable = false;
        try
        {
            account = Run(ct => session.GetAccountSummaryAsync(LogVerbose, ct)).Account;
            reachable = true;
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteError(ErrorRecords.From(ex, session.Connection.Name, "ConnectionTestFailed"));
        }

        DateTimeOffset? expiresOn = null;
        try
        {
            expiresOn = session.TokenExpiresOn;
        }
        catch (Exception ex) when (ex is ConnectionException or System.IO.IOException or UnauthorizedAccessException)
        {
            WriteVerbose($"The token's expiry cannot be read: {ex.Message}");
        }

        WriteObject(new CCConnectionTestResult(session.Connection.Name, session.Connection.ApiBaseUri, account, expiresOn, reachable));
    }
}
