using System;
using System.Globalization;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Decides whether an address can go into a Constant Contact list, and in which form. A practical check for a
/// marketing list, not the whole of RFC 5322: docs/email-validation.md gives every rule and the reason for it.
/// </summary>
/// <remarks>
/// It runs once per profile, a million times in a large export, so it parses by hand: no regular expression,
/// no exception except the ones IdnMapping throws for a domain it cannot convert (only domains with non-ASCII
/// characters or xn-- labels get that far), and no allocation at all when the input is already normalized.
/// </remarks>
public static class EmailAddressValidator
{
    /// <summary>The most characters in a normalized address: Constant Contact refuses longer ones.</summary>
    public const int MaxLength = 80;

    /// <summary>The most characters before the '@' (RFC 5321).</summary>
    public const int MaxLocalPartLength = 64;

    // RFC 5321's longest path. Nothing longer can be an address; refusing it before parsing bounds the work per
    // call and lets the normalized form be built on the stack.
    private const int MaxInputLength = 254;

    private const int MaxLabelLength = 63;

    // RFC 6761, 6762, 7686 and 9476 special-use names, .arpa (infrastructure only) and ICANN's .internal
    // (reserved for private networks): none of them receives mail from the internet. .example stays valid on
    // purpose (docs/email-validation.md).
    private static readonly string[] SpecialUseTopLevelDomains =
        { "alt", "arpa", "internal", "invalid", "local", "localhost", "onion", "test" };

    private static readonly bool[] AtextTable = BuildAtextTable();

    /// <summary>
    /// Checks one address. Never throws; null, empty and blank input are <see cref="EmailRejectReason.Empty"/>.
    /// </summary>
    /// <param name="input">The address as the source gave it; surrounding white space is allowed.</param>
    public static EmailValidationResult Validate(string? input)
    {
        if (input is null)
        {
            return Invalid(EmailRejectReason.Empty);
        }

        int start = 0;
        int end = input.Length;
        while (start < end && IsTrimmable(input[start]))
        {
            start++;
        }

        while (end > start && IsTrimmable(input[end - 1]))
        {
            end--;
        }

        // A cell of only TAB/CR/LF is blank, not damaged: only white space that surrounds an address is suspect.
        if (start == end || (char.IsWhiteSpace(input[start]) && IsAllWhiteSpace(input, start, end)))
        {
            return Invalid(EmailRejectReason.Empty);
        }

        if (end - start > MaxInputLength)
        {
            return Invalid(EmailRejectReason.TooLong);
        }

        int at = -1;
        int atCount = 0;
        bool badCharacter = false;
        bool domainNonAscii = false;
        for (int i = start; i < end; i++)
        {
            char c = input[i];
            if (c < 0x80)
            {
                if (c <= ' ' || c == '\u007F')
                {
                    badCharacter = true;
                }
                else if (c == '@')
                {
                    atCount++;
                    at = i;
                }

                continue;
            }

            if (IsForbiddenNonAscii(input, ref i, end))
            {
                badCharacter = true;
            }
            else if (atCount > 0)
            {
                domainNonAscii = true;
            }
        }

        if (atCount == 0)
        {
            return Invalid(EmailRejectReason.MissingAt);
        }

        if (atCount > 1)
        {
            return Invalid(EmailRejectReason.MultipleAt);
        }

        if (badCharacter)
        {
            return Invalid(EmailRejectReason.InvalidCharacters);
        }

        EmailRejectReason localReason = CheckLocalPart(input, start, at);
        if (localReason != EmailRejectReason.None)
        {
            return Invalid(localReason);
        }

        if (domainNonAscii)
        {
            return ValidateInternationalDomain(input, start, at, end);
        }

        int domainStart = at + 1;
        if (!CheckAsciiDomain(input, domainStart, end, out bool hasUpper, out bool hasALabel, out int tldStart))
        {
            return Invalid(EmailRejectReason.InvalidDomain);
        }

        if (hasALabel && !IsCanonicalIdn(input.Substring(domainStart, end - domainStart).ToLowerInvariant()))
        {
            return Invalid(EmailRejectReason.InvalidDomain);
        }

        if (IsSpecialUse(input, tldStart, end))
        {
            return Invalid(EmailRejectReason.SpecialUseDomain);
        }

        // All ASCII here, so the normalized form is exactly as long as the trimmed input.
        if (end - start > MaxLength)
        {
            return Invalid(EmailRejectReason.TooLong);
        }

        if (start == 0 && end == input.Length && !hasUpper)
        {
            return EmailValidationResult.Valid(input);
        }

        return EmailValidationResult.Valid(BuildNormalized(input, start, at, end));
    }

    private static EmailValidationResult Invalid(EmailRejectReason reason) => EmailValidationResult.Invalid(reason);

    // White space that may surround an address and is dropped. Control characters are not among it (TAB, CR,
    // LF, NEL): there they mean a damaged record, and they make the address invalid.
    private static bool IsTrimmable(char c) => c == ' ' || (c > '\u007F' && char.IsWhiteSpace(c) && !char.IsControl(c));

    private static bool IsAllWhiteSpace(string s, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            if (!char.IsWhiteSpace(s[i]))
            {
                return false;
            }
        }

        return true;
    }

    // Characters no part of an address may hold, whatever the script: white space, controls, invisible
    // formatting (zero-width space, bidi overrides, soft hyphen), private use, broken UTF-16, and U+FFFD, which
    // marks text that was decoded with the wrong encoding. Advances i past a surrogate pair.
    private static bool IsForbiddenNonAscii(string s, ref int i, int end)
    {
        char c = s[i];
        if (char.IsHighSurrogate(c))
        {
            if (i + 1 >= end || !char.IsLowSurrogate(s[i + 1]))
            {
                return true;
            }

            UnicodeCategory pairCategory = CharUnicodeInfo.GetUnicodeCategory(s, i);
            i++;
            return pairCategory is UnicodeCategory.Format or UnicodeCategory.PrivateUse;
        }

        if (char.IsLowSurrogate(c) || c == '\uFFFD' || char.IsWhiteSpace(c))
        {
            return true;
        }

        UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse;
    }

    // A dot-atom of RFC 5322 atext. Non-ASCII is judged last, so that NonAsciiLocalPart means "valid under
    // SMTPUTF8, refused only because Constant Contact takes ASCII".
    private static EmailRejectReason CheckLocalPart(string s, int start, int at)
    {
        if (at == start)
        {
            return EmailRejectReason.InvalidLocalPart;
        }

        bool nonAscii = false;
        char previous = '.';
        for (int i = start; i < at; i++)
        {
            char c = s[i];
            if (c == '.')
            {
                if (previous == '.')
                {
                    return EmailRejectReason.InvalidLocalPart;
                }
            }
            else if (c < 0x80)
            {
                if (!AtextTable[c])
                {
                    return EmailRejectReason.InvalidLocalPart;
                }
            }
            else
            {
                nonAscii = true;
            }

            previous = c;
        }

        if (previous == '.')
        {
            return EmailRejectReason.InvalidLocalPart;
        }

        if (nonAscii)
        {
            return EmailRejectReason.NonAsciiLocalPart;
        }

        return at - start > MaxLocalPartLength ? EmailRejectReason.LocalPartTooLong : EmailRejectReason.None;
    }

    /// <summary>
    /// Host-name syntax on an ASCII domain: at least two letter-digit-hyphen labels of 1 to 63 characters, no
    /// hyphen at either end of a label, '--' in third and fourth place only in an xn-- label, and a top-level
    /// domain of letters (inner hyphens allowed) or an xn-- label. xn-- labels are only flagged here.
    /// </summary>
    private static bool CheckAsciiDomain(string s, int from, int to, out bool hasUpper, out bool hasALabel, out int tldStart)
    {
        hasUpper = false;
        hasALabel = false;
        tldStart = from;
        if (from == to)
        {
            return false;
        }

        int labels = 0;
        int labelStart = from;
        bool labelHasDigit = false;
        bool tldHasDigit = false;
        bool tldIsALabel = false;
        for (int i = from; i <= to; i++)
        {
            if (i == to || s[i] == '.')
            {
                int length = i - labelStart;
                if (length == 0 || length > MaxLabelLength || s[labelStart] == '-' || s[i - 1] == '-')
                {
                    return false;
                }

                bool isALabel = false;
                if (length >= 4 && s[labelStart + 2] == '-' && s[labelStart + 3] == '-')
                {
                    // RFC 5891 reserves '??--' labels; of them only xn-- (punycode) is in use.
                    if ((s[labelStart] | 0x20) != 'x' || (s[labelStart + 1] | 0x20) != 'n')
                    {
                        return false;
                    }

                    isALabel = true;
                    hasALabel = true;
                }

                labels++;
                tldStart = labelStart;
                tldHasDigit = labelHasDigit;
                tldIsALabel = isALabel;
                labelStart = i + 1;
                labelHasDigit = false;
                continue;
            }

            char c = s[i];
            if (c >= 'a' && c <= 'z')
            {
                continue;
            }

            if (c >= 'A' && c <= 'Z')
            {
                hasUpper = true;
                continue;
            }

            if (c >= '0' && c <= '9')
            {
                labelHasDigit = true;
                continue;
            }

            if (c != '-')
            {
                return false;
            }
        }

        // Every top-level domain is letters or an IDN, so a digit there is an IP address or a typo (".c0m"); one
        // letter is no top-level domain at all.
        return labels >= 2 && (tldIsALabel || (!tldHasDigit && to - tldStart >= 2));
    }

    private static bool IsSpecialUse(string s, int tldStart, int end)
    {
        int length = end - tldStart;
        foreach (string name in SpecialUseTopLevelDomains)
        {
            if (name.Length == length && string.Compare(s, tldStart, name, 0, length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return true;
            }
        }

        return false;
    }

    // The local part is ASCII and the domain all ASCII: copy it with the domain in lower case, in one allocation.
    private static string BuildNormalized(string s, int start, int at, int end)
    {
        Span<char> buffer = stackalloc char[end - start];
        for (int i = start; i < end; i++)
        {
            char c = s[i];
            buffer[i - start] = i > at && c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
        }

        return buffer.ToString();
    }

    /// <summary>
    /// A domain with non-ASCII characters: its UTS-46 ASCII form (punycode, lower case, full-width forms mapped)
    /// must then be a valid host name. The local part is already known to be valid ASCII.
    /// </summary>
    private static EmailValidationResult ValidateInternationalDomain(string input, int start, int at, int end)
    {
        string unicode = input.Substring(at + 1, end - at - 1);
        if (!HasOnlyIdnCharacters(unicode, out int labelCount))
        {
            return Invalid(EmailRejectReason.InvalidDomain);
        }

        string? ascii = ToAscii(unicode);
        if (ascii is null)
        {
            return Invalid(EmailRejectReason.InvalidDomain);
        }

        // The ASCII form then passes every check an ASCII domain passes, the A-label round trip included: some
        // platforms' UTS-46 lets through labels that their own ToUnicode refuses ('ü網--ж'), and the normalized
        // address must validate again to itself.
        ascii = ascii.ToLowerInvariant();
        if (CountLabels(ascii) != labelCount
            || !CheckAsciiDomain(ascii, 0, ascii.Length, out _, out bool hasALabel, out int tldStart)
            || (hasALabel && !IsCanonicalIdn(ascii)))
        {
            return Invalid(EmailRejectReason.InvalidDomain);
        }

        if (IsSpecialUse(ascii, tldStart, ascii.Length))
        {
            return Invalid(EmailRejectReason.SpecialUseDomain);
        }

        int localLength = at - start;
        if (localLength + 1 + ascii.Length > MaxLength)
        {
            return Invalid(EmailRejectReason.TooLong);
        }

        return EmailValidationResult.Valid(string.Concat(input.Substring(start, localLength), "@", ascii));
    }

    /// <summary>
    /// True when every xn-- label of a lower-case ASCII domain is a real A-label: it decodes, the decoded name
    /// holds only characters an IDN may hold, and it encodes back to exactly the same text.
    /// </summary>
    private static bool IsCanonicalIdn(string asciiDomain)
    {
        string unicode;
        try
        {
            unicode = CreateIdnMapping().GetUnicode(asciiDomain);
        }
        catch (ArgumentException)
        {
            return false;
        }

        return HasOnlyIdnCharacters(unicode, out _)
            && string.Equals(ToAscii(unicode), asciiDomain, StringComparison.OrdinalIgnoreCase);
    }

    private static string? ToAscii(string unicodeDomain)
    {
        try
        {
            return CreateIdnMapping().GetAscii(unicodeDomain);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // Per call: the rare path, and an instance is not documented as safe to share between threads.
    private static IdnMapping CreateIdnMapping() => new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    /// <summary>
    /// What an internationalized host name may hold before conversion: ASCII letters, digits, hyphens and dots,
    /// the full-width and ideographic dots and the full-width hyphen (UTS-46 maps them), and otherwise only
    /// letters, combining marks and decimal digits. Symbols, punctuation and other numbers are refused here
    /// because some platforms' UTS-46 would accept them ('©') or map them to dots ('⒈').
    /// </summary>
    private static bool HasOnlyIdnCharacters(string domain, out int labelCount)
    {
        labelCount = 1;
        for (int i = 0; i < domain.Length; i++)
        {
            char c = domain[i];
            if (c < 0x80)
            {
                if (c == '.')
                {
                    labelCount++;
                }
                else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
                {
                    return false;
                }

                continue;
            }

            if (c is '\u3002' or '\uFF0E' or '\uFF61')
            {
                labelCount++;
                continue;
            }

            if (c == '\uFF0D')
            {
                continue;
            }

            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(domain, i);
            if (char.IsHighSurrogate(c))
            {
                i++;
            }

            switch (category)
            {
                case UnicodeCategory.UppercaseLetter:
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.TitlecaseLetter:
                case UnicodeCategory.ModifierLetter:
                case UnicodeCategory.OtherLetter:
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.SpacingCombiningMark:
                case UnicodeCategory.DecimalDigitNumber:
                    continue;
                default:
                    return false;
            }
        }

        return true;
    }

    private static int CountLabels(string domain)
    {
        int count = 1;
        foreach (char c in domain)
        {
            if (c == '.')
            {
                count++;
            }
        }

        return count;
    }

    private static bool[] BuildAtextTable()
    {
        var table = new bool[128];
        for (char c = 'a'; c <= 'z'; c++)
        {
            table[c] = true;
            table[c - 'a' + 'A'] = true;
        }

        for (char c = '0'; c <= '9'; c++)
        {
            table[c] = true;
        }

        foreach (char c in "!#$%&'*+-/=?^_`{|}~")
        {
            table[c] = true;
        }

        return table;
    }
}
