using System;
using System.Linq;
using ConstantContactExport.Engine.Connections;

namespace ConstantContactExport;

/// <summary>
/// A saved connection to a Constant Contact account, as New-CCConnection and Get-CCConnection return it. It
/// shows when the access token expires, never a token.
/// </summary>
public sealed class CCConnection
{
    internal CCConnection(ConnectionInfo info, DateTimeOffset? tokenExpiresOn)
    {
        Name = info.Name;
        DisplayName = info.DisplayName;
        ApiBaseUri = info.ApiBaseUri;
        AuthBaseUri = info.AuthBaseUri;
        ClientId = info.ClientId;
        CreatedBy = info.CreatedBy;
        CreatedOn = info.CreatedOn.LocalDateTime;
        ExportUsers = info.ExportUsers.ToArray();
        TokenExpiresOn = tokenExpiresOn?.LocalDateTime;
    }

    public string Name { get; }

    public string DisplayName { get; }

    public Uri ApiBaseUri { get; }

    public Uri AuthBaseUri { get; }

    /// <summary>The application's API key (its OAuth client id).</summary>
    public string ClientId { get; }

    public string CreatedBy { get; }

    public DateTime CreatedOn { get; }

    /// <summary>Who may run exports with this connection (the creator and -ExportUser).</summary>
    public string[] ExportUsers { get; }

    /// <summary>When the current access token expires (local time); it is refreshed before then as needed.</summary>
    public DateTime? TokenExpiresOn { get; }

    public override string ToString() => Name;
}
