using System;
using System.Collections.Generic;
using System.Linq;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// A saved connection as its file holds it: where the account is and who may use it. No secret: tokens live
/// in the <see cref="Storage.TokenStore"/>.
/// </summary>
public sealed class ConnectionInfo
{
    public ConnectionInfo(
        string name,
        string? displayName,
        Uri apiBaseUri,
        Uri authBaseUri,
        string clientId,
        string createdBy,
        DateTimeOffset createdOn,
        IEnumerable<string> exportUsers,
        DateTimeOffset? dataPrivacyNoticeAcceptedOn = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? name : displayName!;
        ApiBaseUri = apiBaseUri ?? throw new ArgumentNullException(nameof(apiBaseUri));
        AuthBaseUri = authBaseUri ?? throw new ArgumentNullException(nameof(authBaseUri));
        ClientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
        CreatedBy = createdBy ?? throw new ArgumentNullException(nameof(createdBy));
        CreatedOn = createdOn;
        DataPrivacyNoticeAcceptedOn = dataPrivacyNoticeAcceptedOn;

        // The creator first, then the others, each once.
        var users = new List<string>();
        foreach (string user in new[] { createdBy }.Concat(exportUsers ?? Array.Empty<string>()))
        {
            if (!string.IsNullOrWhiteSpace(user) && !users.Any(u => string.Equals(u, user.Trim(), UserIdentity.Comparison)))
            {
                users.Add(user.Trim());
            }
        }

        ExportUsers = users;
    }

    public string Name { get; }

    public string DisplayName { get; }

    public Uri ApiBaseUri { get; }

    public Uri AuthBaseUri { get; }

    /// <summary>The application's API key (OAuth client id). Not a secret: it is sent in the clear in every authorization URL.</summary>
    public string ClientId { get; }

    public string CreatedBy { get; }

    public DateTimeOffset CreatedOn { get; }

    /// <summary>The users who may run exports with this connection: the creator and those added with -ExportUser.</summary>
    public IReadOnlyList<string> ExportUsers { get; }

    /// <summary>When the creator accepted the data privacy notice (by prompt or -AcceptDataPrivacyNotice).</summary>
    public DateTimeOffset? DataPrivacyNoticeAcceptedOn { get; }

    /// <summary>
    /// True when <paramref name="user"/> may run exports with this connection. This is a guard against mistakes
    /// (a runbook set up under the wrong account), not a security boundary: anyone who can read the token file
    /// can use the tokens, so file permissions are what protect a connection.
    /// </summary>
    public bool IsExportUser(string user) => ExportUsers.Any(listed => UserIdentity.Matches(listed, user));

    /// <summary>Throws <see cref="ConnectionException"/> (ExportUserNotAllowed) unless <paramref name="user"/> may run exports.</summary>
    public void EnsureExportUser(string user)
    {
        if (!IsExportUser(user))
        {
            throw new ConnectionException(
                ConnectionErrorIds.ExportUserNotAllowed, ConnectionErrorKind.PermissionDenied,
                $"User '{user}' may not run exports with connection '{Name}'; its export users are {string.Join(", ", ExportUsers.Select(u => "'" + u + "'"))}. "
                + "Create the connection again with New-CCConnection -Force -ExportUser to add users.",
                Name);
        }
    }

    public override string ToString() => Name;
}
