using System.Text;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>Character-level checks shared by the email and field checks.</summary>
public static class TextChecks
{
    /// <summary>Index of the first C0 control character or DEL, or -1. Tab is refused too: fields are one line.</summary>
    public static int FindControlCharacter(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < ' ' || c == '\u007F' || c == '\uFFFF')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Index of the first unpaired UTF-16 surrogate (text that was broken before it reached us), or -1.</summary>
    public static int FindBrokenSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// True when the character (or surrogate pair) at <paramref name="index"/> does not show as itself: control (Cc),
    /// format (Cf: zero-width and bidirectional controls, the BOM, tags), an unpaired surrogate, private use,
    /// unassigned, a line or paragraph separator, any space but U+0020, a variation selector or a Hangul filler.
    /// Such a character can make a text look like another, or hide what follows it.
    /// </summary>
    public static bool IsInvisible(string text, int index)
    {
        char c = text[index];
        switch (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(text, index))
        {
            case System.Globalization.UnicodeCategory.Control:
            case System.Globalization.UnicodeCategory.Format:
            case System.Globalization.UnicodeCategory.Surrogate:
            case System.Globalization.UnicodeCategory.PrivateUse:
            case System.Globalization.UnicodeCategory.OtherNotAssigned:
            case System.Globalization.UnicodeCategory.LineSeparator:
            case System.Globalization.UnicodeCategory.ParagraphSeparator:
                return true;
            case System.Globalization.UnicodeCategory.SpaceSeparator:
                return c != ' ';
            default:
                return c is >= '\uFE00' and <= '\uFE0F' or '\u034F' or '\u115F' or '\u1160' or '\u3164' or '\uFFA0'
                    || (char.IsHighSurrogate(c) && index + 1 < text.Length && char.ConvertToUtf32(c, text[index + 1]) is >= 0xE0100 and <= 0xE01EF);
        }
    }

    /// <summary>Index of the first character <see cref="IsInvisible"/> says is invisible, or -1.</summary>
    public static int FindInvisible(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (IsInvisible(text, i))
            {
                return i;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
        }

        return -1;
    }

    /// <summary>
    /// The text with what <see cref="ActsOnText"/> finds and the zero-width characters (spaces, joiners, the BOM, which
    /// would hide where a name starts or ends) shown as \xNN and cut to 100 characters, for messages: a message never carries into a console or a log a character that would
    /// act on it, break its line or reorder what it shows. A surrogate pair (an emoji) is shown as itself.
    /// </summary>
    public static string Printable(string text, int max = 100)
    {
        var builder = new StringBuilder(System.Math.Min(text.Length, max) + 8);
        for (int i = 0; i < text.Length; i++)
        {
            if (builder.Length >= max)
            {
                builder.Append('…');
                break;
            }

            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (ActsOnText(c) || c is '\u200B' or '\u200C' or '\u200D' or '\uFEFF' || c is >= '\u2060' and <= '\u2064')
            {
                builder.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// A character that, printed, acts on the text around it rather than showing: control (C0, DEL and C1, whose U+009B a
    /// terminal may take for an escape sequence), a surrogate (on its own), a line or paragraph separator, a
    /// bidirectional mark, embedding, override or isolate, U+FFFE or U+FFFF.
    /// </summary>
    public static bool ActsOnText(char c) =>
        char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\uFFFE' or '\uFFFF' or '\u200E' or '\u200F' or '\u061C'
        || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
}
