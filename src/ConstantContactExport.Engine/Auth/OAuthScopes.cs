namespace ConstantContactExport.Engine.Auth;

/// <summary>The scopes every connection asks for: contacts and lists, and a refresh token to run unattended.</summary>
public static class OAuthScopes
{
    public const string ContactData = "contact_data";
    public const string OfflineAccess = "offline_access";
    public const string Requested = ContactData + " " + OfflineAccess;
}
