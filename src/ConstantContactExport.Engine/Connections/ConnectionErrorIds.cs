namespace ConstantContactExport.Engine.Connections;

/// <summary>The stable ErrorIds of connection failures: scripts and runbooks may branch on them.</summary>
public static class ConnectionErrorIds
{
    public const string ConnectionNotFound = "ConnectionNotFound";
    public const string ConnectionExists = "ConnectionExists";
    public const string NoConnection = "NoConnection";
    public const string ConnectionNotSpecified = "ConnectionNotSpecified";
    public const string InvalidConnectionName = "InvalidConnectionName";
    public const string InsecureEndpoint = "InsecureEndpoint";
    public const string InvalidEndpoint = "InvalidEndpoint";
    public const string DataPrivacyNoticeNotAccepted = "DataPrivacyNoticeNotAccepted";
    public const string NoRefreshToken = "NoRefreshToken";
    public const string AuthorizationDenied = "AuthorizationDenied";
    public const string AuthorizationExpired = "AuthorizationExpired";
    public const string AuthorizationFailed = "AuthorizationFailed";
    public const string StateMismatch = "StateMismatch";
    public const string InvalidRedirectUri = "InvalidRedirectUri";
    public const string RedirectPortInUse = "RedirectPortInUse";
    public const string RefreshTokenRejected = "RefreshTokenRejected";
    public const string TokenMissing = "TokenMissing";
    public const string TokenStoreBusy = "TokenStoreBusy";
    public const string TokenStoreUnwritable = "TokenStoreUnwritable";
    public const string TokenRequestTimeout = "TokenRequestTimeout";
    public const string ExportUserNotAllowed = "ExportUserNotAllowed";
    public const string ConnectionInUse = "ConnectionInUse";
    public const string ConnectionFileDamaged = "ConnectionFileDamaged";
    public const string TokenEndpointMismatch = "TokenEndpointMismatch";
    public const string TokenNotBound = "TokenNotBound";
}
