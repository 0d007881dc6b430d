using System;
using System.Text.RegularExpressions;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// Takes token-like text out of what a server says before it reaches an exception message: the secrets a
/// request carried, and any long opaque run of token characters (a JWT, an opaque token). Ids (UUIDs) and
/// words stay, since a person needs them to act.
/// </summary>
public static class SecretRedactor
{
    public const string Placeholder = "[redacted]";

    private static readonly Regex TokenLike = new(
        @"(?<![A-Za-z0-9\-_.~+/=])[A-Za-z0-9\-_.~+/=]{32,}(?![A-Za-z0-9\-_.~+/=])",
        RegexOptions.CultureInvariant);

    private static readonly Regex Uuid = new(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        RegexOptions.CultureInvariant);

    /// <summary>Shorter "secrets" are not real ones (a test's placeholder) and would mangle ordinary words.</summary>
    private const int MinSecretLength = 8;

    public static string Redact(string text, params string?[] secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (string? secret in secrets)
        {
            if (secret is { Length: >= MinSecretLength })
            {
                text = text.Replace(secret, Placeholder);
            }
        }

        return TokenLike.Replace(text, match => Uuid.IsMatch(match.Value) || IsPathOrUrl(match.Value) ? match.Value : Placeholder);
    }

    // A route such as /v3/activities/contacts_json_import is long but made of short words and ids.
    private static bool IsPathOrUrl(string value)
    {
        if (!value.StartsWith("/", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (string segment in value.Split('/'))
        {
            if (segment.Length >= 32 && !Uuid.IsMatch(segment))
            {
                return false;
            }
        }

        return true;
    }
}
