namespace ConstantContact.Sandbox.OAuth;

/// <summary>The scopes Constant Contact's authorization server knows.</summary>
public static class Scopes
{
    public const string ContactData = "contact_data";
    public const string AccountRead = "account_read";
    public const string OfflineAccess = "offline_access";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        ContactData, "campaign_data", AccountRead, "account_update", OfflineAccess, "billing_data",
        "openid", "profile", "email",
    };

    /// <summary>Splits a space-separated scope parameter; null when it is empty or names an unknown scope.</summary>
    public static IReadOnlySet<string>? Parse(string? scope, out string? unknown)
    {
        unknown = null;
        var parts = (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            if (!Known.Contains(part))
            {
                unknown = part;
                return null;
            }

            set.Add(part);
        }

        return set;
    }

    public static string Format(IEnumerable<string> scopes) => string.Join(' ', scopes);
}
