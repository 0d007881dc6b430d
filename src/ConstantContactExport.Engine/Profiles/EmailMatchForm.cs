using System;
using System.Globalization;
using System.Text;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// The address a rejected profile still in the segment is matched by under -RemoveMissing, so that it keeps the
/// contact an earlier run sent for it on the list. Never used to send: a reject stays a reject.
/// </summary>
/// <remarks>
/// A valid address is matched in the form it is sent (<see cref="EmailAddressValidator"/>: trimmed, the domain in
/// lower case and punycode), whatever else got the row rejected. An invalid one is cleaned up only in ways that cannot
/// turn one real address into another, because the text they remove can be in no real address: invisible format
/// characters that IDNA disallows or ignores (zero-width space, word joiner, byte order mark, soft hyphen, bidi
/// marks; not ZWJ and ZWNJ, which tell real IDN labels apart), white space around it, one pair of quotes around it
/// (a domain never ends in a quote), angle brackets around it with or without a display name before them
/// (<c>Ada &lt;ada@example.com&gt;</c>), and a <c>mailto:</c> prefix with any <c>?query</c> after the address. The
/// cleaned text is then validated as any address is; if it still is not valid, the text as given is matched (it names
/// no contact the export sent). Keeping is the safe side: at worst a reject keeps the one contact its cleaned address
/// names on the list.
/// </remarks>
public static class EmailMatchForm
{
    private const string MailTo = "mailto:";

    /// <summary>The address to match <paramref name="text"/> by (see the remarks); null for null.</summary>
    public static string? Of(string? text)
    {
        if (text is null)
        {
            return null;
        }

        EmailValidationResult result = EmailAddressValidator.Validate(text);
        if (result.IsValid)
        {
            return result.Normalized;
        }

        string cleaned = Clean(text);
        if (cleaned.Length > 0 && !string.Equals(cleaned, text, StringComparison.Ordinal))
        {
            result = EmailAddressValidator.Validate(cleaned);
            if (result.IsValid)
            {
                return result.Normalized;
            }
        }

        return text;
    }

    /// <summary>The cleanups of the remarks, each at most once, in this order.</summary>
    internal static string Clean(string text)
    {
        string s = WithoutFormatCharacters(text).Trim();
        if (s.Length >= 2 && IsQuotePair(s[0], s[s.Length - 1]))
        {
            s = s.Substring(1, s.Length - 2).Trim();
        }

        if (s.Length >= 2 && s[s.Length - 1] == '>')
        {
            int open = s.LastIndexOf('<');
            if (open >= 0)
            {
                s = s.Substring(open + 1, s.Length - open - 2).Trim();
            }
        }

        if (s.StartsWith(MailTo, StringComparison.OrdinalIgnoreCase))
        {
            s = s.Substring(MailTo.Length);
            int query = s.IndexOf('?');
            s = (query >= 0 ? s.Substring(0, query) : s).Trim();
        }

        return s;
    }

    private static bool IsQuotePair(char first, char last) =>
        (first == '"' && last == '"') || (first == '\'' && last == '\'') || (first == '\u201C' && last == '\u201D') || (first == '\u2018' && last == '\u2019');

    private static string WithoutFormatCharacters(string text)
    {
        StringBuilder? kept = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool drop = c > '\u007F' && c is not ('\u200C' or '\u200D') && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
            if (drop && kept is null)
            {
                kept = new StringBuilder(text, 0, i, text.Length);
            }
            else if (!drop)
            {
                kept?.Append(c);
            }
        }

        return kept?.ToString() ?? text;
    }
}
