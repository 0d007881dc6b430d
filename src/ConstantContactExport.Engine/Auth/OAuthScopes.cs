namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// The scopes every connection asks for: contacts and lists (<c>contact_data</c>), a refresh token to run
/// unattended (<c>offline_access</c>), and <c>account_read</c>, which GET /account/summary needs (so says the
/// vendor's spec, and the sandbox enforces it): Test-CCConnection names the account, so that nobody sends
/// profiles to the wrong one. It reads the account's name and settings only.
/// </summary>
public static class OAuthScopes
{
    public const string ContactData = "contact_data";
    public const string OfflineAccess = "offline_access";
    public const string AccountRead = "account_read";
    public const string Requested = ContactData + " " + OfflineAccess + " " + AccountRead;
}
