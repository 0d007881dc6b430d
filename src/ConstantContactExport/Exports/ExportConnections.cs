using System;
using System.Management.Automation;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Connections;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Exports;

/// <summary>How the export cmdlets reach a connection: the runspace's session, the export-user check, the API.</summary>
internal static class ExportConnections
{
    /// <summary>The connection's session (it becomes the runspace's default); a missing connection is a terminating error.</summary>
    public static ConnectionSession Resolve(PSCmdlet cmdlet, string? name, StoragePaths paths)
    {
        try
        {
            return RunspaceConnections.Current.Resolve(name, paths);
        }
        catch (ConnectionException ex)
        {
            cmdlet.Fail(ErrorRecords.From(ex, name, ex.ErrorId));
            throw;
        }
    }

    /// <summary>Refuses a user the connection does not list as an export user (ErrorId ExportUserNotAllowed).</summary>
    public static ConnectionSession ResolveForExport(PSCmdlet cmdlet, string name, StoragePaths paths)
    {
        ConnectionSession session = Resolve(cmdlet, name, paths);
        try
        {
            session.Connection.EnsureExportUser(UserIdentity.Current);
        }
        catch (ConnectionException ex)
        {
            cmdlet.Fail(ErrorRecords.From(ex, name, ex.ErrorId));
        }

        return session;
    }

    /// <summary>As <see cref="ResolveForExport"/>, for a caller that runs several exports: a failure is a <see cref="CommandFailure"/> to report later.</summary>
    public static ConnectionSession SessionForExport(string name, StoragePaths paths)
    {
        try
        {
            ConnectionSession session = RunspaceConnections.Current.Resolve(name, paths);
            session.Connection.EnsureExportUser(UserIdentity.Current);
            return session;
        }
        catch (ConnectionException ex)
        {
            throw new CommandFailure(ErrorRecords.From(ex, name, ex.ErrorId));
        }
    }

    /// <summary>
    /// The API over the connection's authenticated client; <paramref name="log"/> gets one line a request. A command
    /// gives up on an unreachable API within seconds; a run (<paramref name="forRun"/>) rides out about a minute.
    /// </summary>
    public static ConstantContactApi OpenApi(ConnectionSession session, Action<string> log, bool forRun = false)
    {
        var client = session.CreateHttpClient(log);
        return new ConstantContactApi(client, session.Connection.ApiBaseUri, TimeProvider.System, log: log, owned: client,
            attempts: forRun ? RetryPolicy.RunAttempts : RetryPolicy.CommandAttempts);
    }
}
