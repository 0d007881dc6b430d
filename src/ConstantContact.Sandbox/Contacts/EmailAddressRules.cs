namespace ConstantContact.Sandbox.Contacts;

/// <summary>
/// Whether Constant Contact would take an address. Its rules are not documented (§7); this follows what
/// support says (no spaces, commas or brackets; "@" and a complete domain; "+" allowed) and the practical
/// consensus of validators: ASCII only (Constant Contact is reported to refuse Unicode local parts), no
/// quoted local parts or IP literals (an IDN domain must come as punycode), a dotted domain whose top label
/// starts and ends with a letter, and no special-use TLD. Checked against the CONSENSUS and RFC-ONLY rows of
/// shared/data/email-cases: it disagrees only on Unicode domains and on addresses over 80 characters.
/// No trimming: an address with surrounding blanks is a client bug the sandbox should make visible.
/// </summary>
public static class EmailAddressRules
{
    private const string LocalSpecials = "!#$%&'*+-/=?^_`{|}~.";

    private static readonly HashSet<string> SpecialUseTlds = new(StringComparer.OrdinalIgnoreCase)
    {
        "test", "local", "invalid", "localhost", "onion", "arpa",
    };

    public static bool IsValid(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != address.LastIndexOf('@') || at > 64 || address.Length > 254)
        {
            return false;
        }

        var local = address.AsSpan(0, at);
        var domain = address.AsSpan(at + 1);
        return IsValidLocal(local) && IsValidDomain(domain);
    }

    private static bool IsValidLocal(ReadOnlySpan<char> local)
    {
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !LocalSpecials.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidDomain(ReadOnlySpan<char> domain)
    {
        if (domain.Length is 0 or > 253)
        {
            return false;
        }

        var labels = 0;
        ReadOnlySpan<char> last = default;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            // "ab--" is reserved for encodings: only punycode ("xn--" and something to decode) may use it.
            if (label.Length >= 4 && label[2] == '-' && label[3] == '-'
                && !(label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase) && label.Length >= 6))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }

            labels++;
            last = label;
        }

        // A top-level label of two characters or more that starts and ends with a letter (punycode TLDs aside),
        // so that neither an IP address nor a made-up "tld-2" passes as a domain.
        var tldOk = last.StartsWith("xn--", StringComparison.OrdinalIgnoreCase)
            || (last.Length >= 2 && char.IsAsciiLetter(last[0]) && char.IsAsciiLetter(last[^1]));
        return labels >= 2 && tldOk && !SpecialUseTlds.Contains(last.ToString());
    }
}
