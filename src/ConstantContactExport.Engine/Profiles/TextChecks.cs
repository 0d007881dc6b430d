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
    /// The text with control characters shown as \xNN and cut to 100 characters, for messages: a message never
    /// carries raw control characters into a console or a log.
    /// </summary>
    public static string Printable(string text, int max = 100)
    {
        var builder = new StringBuilder(System.Math.Min(text.Length, max) + 8);
        foreach (char c in text)
        {
            if (builder.Length >= max)
            {
                builder.Append('…');
                break;
            }

            if (c < ' ' || c == '\u007F' || char.IsSurrogate(c) || c == '\uFFFF')
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
}
