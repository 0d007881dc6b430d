using System;
using System.Management.Automation;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Connections;

/// <summary>
/// <para type="synopsis">Checks that a connection reaches the Constant Contact API with its stored token.</para>
/// <para type="description">
/// Calls GET /account/summary, refreshing the access token first if it is near expiry, and reports the account.
/// When the API cannot be reached or refuses the token, the result says Reachable = $false and an error says why.
/// The connection becomes the session's default.
/// </para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CCConnection", HelpUri = HelpLinks.Base + "Test-CCConnection.md")]
[OutputType(typeof(CCConnectionTestResult))]
public sealed class TestCCConnectionCommand : AsyncPSCmdlet
{
    /// <summary><para type="description">A connection name or object; the session's default connection when left out.</para></summary>
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
