using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Connections;

/// <summary>
/// The connections a runspace has in use, and its default: the last one created or used here, else the only
/// one on disk. One instance per runspace (ForEach-Object -Parallel runs each script block in a runspace of
/// its own), so no runspace sees another's default or cached tokens; the token files and their lock keep the
/// runspaces and processes consistent with each other.
/// </summary>
internal sealed class RunspaceConnections
{
    private static readonly ConditionalWeakTable<Runspace, RunspaceConnections> PerRunspace = new();
    private static readonly RunspaceConnections WithoutRunspace = new();

    private readonly object gate = new();
    private readonly Dictionary<string, ConnectionSession> sessions = new(StringComparer.OrdinalIgnoreCase);
    private string? defaultKey;

    /// <summary>The state of the runspace whose pipeline thread this is.</summary>
    public static RunspaceConnections Current =>
        Runspace.DefaultRunspace is { } runspace ? PerRunspace.GetValue(runspace, _ => new RunspaceConnections()) : WithoutRunspace;

    /// <summary>
    /// The session for <paramref name="bind"/>, or for the default connection when it is null; that connection
    /// becomes the default. Throws <see cref="ConnectionException"/> when there is no such connection, or when its
    /// tokens were issued for other endpoints than its file names (before anything is sent).
    /// </summary>
    public ConnectionSession Resolve(ConnectionPipeBind? bind, StoragePaths paths)
    {
        var store = new ConnectionStore(paths);
        ConnectionInfo info = bind is not null ? store.Get(bind.Name) : Default(store);
        ConnectionSession session = SessionFor(info, paths);
        session.EnsureTokensBound();
        Use(info.Name, paths);
        return session;
    }

    /// <summary>The same, for a -Connection parameter that takes a name (null: the default connection).</summary>
    public ConnectionSession Resolve(string? name, StoragePaths paths) =>
        Resolve(string.IsNullOrWhiteSpace(name) ? null : new ConnectionPipeBind(name!), paths);

    /// <summary>A session for the connection, reused while the file on disk is the same connection.</summary>
    public ConnectionSession SessionFor(ConnectionInfo info, StoragePaths paths)
    {
        string key = Key(paths, info.Name);
        lock (gate)
        {
            if (sessions.TryGetValue(key, out ConnectionSession? session) && SameConnection(session.Connection, info))
            {
                session.Refresh(info);
                return session;
            }

            session = new ConnectionSession(info, paths);
            sessions[key] = session;
            return session;
        }
    }

    /// <summary>Makes the connection the runspace's default.</summary>
    public void Use(string name, StoragePaths paths)
    {
        lock (gate)
        {
            defaultKey = Key(paths, name);
        }
    }

    /// <summary>Drops a removed or replaced connection from this runspace (and the default, if it was).</summary>
    public void Forget(string name, StoragePaths paths)
    {
        string key = Key(paths, name);
        lock (gate)
        {
            sessions.Remove(key);
            if (string.Equals(defaultKey, key, StringComparison.OrdinalIgnoreCase))
            {
                defaultKey = null;
            }
        }
    }

    private ConnectionInfo Default(ConnectionStore store)
    {
        string? key;
        lock (gate)
        {
            key = defaultKey;
        }

        string prefix = store.Paths.Root + "|";
        if (key is not null && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && store.Find(key.Substring(prefix.Length)) is { } remembered)
        {
            return remembered;
        }

        IReadOnlyList<ConnectionInfo> all = store.List();
        return all.Count switch
        {
            1 => all[0],
            0 => throw new ConnectionException(
                ConnectionErrorIds.NoConnection, ConnectionErrorKind.NotFound,
                $"There is no connection in '{store.Paths.Connections}'. Create one with New-CCConnection."),
            _ => throw new ConnectionException(
                ConnectionErrorIds.ConnectionNotSpecified, ConnectionErrorKind.InvalidArgument,
                $"There are {all.Count} connections ({string.Join(", ", all.Select(c => c.Name))}) and none is in use in this session. Name one with -Connection."),
        };
    }

    private static bool SameConnection(ConnectionInfo a, ConnectionInfo b) =>
        a.Name == b.Name && a.CreatedOn == b.CreatedOn && a.ClientId == b.ClientId
        && a.ApiBaseUri == b.ApiBaseUri && a.AuthBaseUri == b.AuthBaseUri;

    private static string Key(StoragePaths paths, string name) => paths.Root + "|" + name;
}
