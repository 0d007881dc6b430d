using System;
using System.Collections.Generic;
using System.Management.Automation;
using ConstantContactExport.Connections;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Remove-CCConnection cmdlet. Its help has one source, docs/en-US/Remove-CCConnection.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Remove, "CCConnection", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Remove-CCConnection.md")]
[OutputType(typeof(void))]
public sealed class RemoveCCConnectionCommand : AsyncPSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(Completion.ConnectionNameCompleter))]
    public ConnectionPipeBind[] Connection { get; set; } = Array.Empty<ConnectionPipeBind>();

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        StoragePaths paths = ModuleHome.Open(this);
        var store = new ConnectionStore(paths);
        foreach (ConnectionPipeBind bind in Connection)
        {
            try
            {
                Remove(paths, store, store.Get(bind.Name));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteError(ErrorRecords.From(ex, bind.Name, "RemoveConnectionFailed"));
            }
        }
    }

    private void Remove(StoragePaths paths, ConnectionStore store, ConnectionInfo connection)
    {
        IReadOnlyList<string> exports = ExportReferences.Using(paths, connection.Name, WriteWarning);
        if (exports.Count > 0 && !Force)
        {
            WriteError(new ErrorRecord(
                new ConnectionException(ConnectionErrorIds.ConnectionInUse, ConnectionErrorKind.ResourceBusy,
                    $"Connection '{connection.Name}' is used by the export(s) {string.Join(", ", exports)}. Point them at another connection "
                    + "(Set-CCExport -Connection), remove them, or use -Force to remove the connection anyway."),
                ConnectionErrorIds.ConnectionInUse, ErrorCategory.ResourceBusy, connection.Name));
            return;
        }

        if (!ShouldProcess($"Connection '{connection.Name}' ({connection.DisplayName}, {connection.ApiBaseUri})", "Remove"))
        {
            return;
        }

        ConnectionSession session = RunspaceConnections.Current.SessionFor(connection, paths);
        try
        {
            if (!Run(ct => session.RevokeAsync(LogVerbose, ct)))
            {
                WriteWarning($"The authorization server did not revoke the refresh token of '{connection.Name}' (it has no revocation endpoint, or there was no token). "
                    + "It stays valid until it expires unused; to cut access now, remove the application's access in your Constant Contact account.");
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            // The reason is one sentence (a socket's message has no full stop) before the next.
            string reason = ex.Message.TrimEnd();
            reason += reason.EndsWith(".", StringComparison.Ordinal) ? string.Empty : ".";
            WriteWarning($"Could not revoke the refresh token of '{connection.Name}': {reason} The local secrets are deleted all the same.");
        }

        Run(async ct =>
        {
            using (await CrossProcessLock.AcquireAsync(ConnectionSession.LockPathFor(paths, connection.Name), TokenManager.DefaultLockTimeout, TimeProvider.System, ct).ConfigureAwait(false))
            {
                session.TokenStore.Delete(connection.Name);
                store.Delete(connection.Name);
            }
        });
        RunspaceConnections.Current.Forget(connection.Name, paths);
        WriteVerbose($"Connection '{connection.Name}' removed.");
    }
}
