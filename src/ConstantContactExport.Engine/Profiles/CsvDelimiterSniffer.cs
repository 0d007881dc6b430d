using System;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Picks the delimiter of a CSV file from its first lines: comma, semicolon (European-locale Excel), tab
/// (Excel "Unicode Text") or pipe.
/// </summary>
/// <remarks>
/// Our own sniff rather than CsvHelper's DetectDelimiter, because that one ranks only candidates found on every
/// line of its sample (one odd line, such as a title, defeats it) and then prefers the configured culture's list
/// separator, so the result would hang on a culture setting rather than on the file. This one is deterministic:
/// the header is the first line with content (not only delimiters and white space); a candidate must occur in it
/// outside quotes; the winner is the candidate whose header count the most of the following lines repeat, then
/// the one giving more columns, then the order comma, semicolon, tab, pipe. A header with none of them is a
/// one-column file: comma.
/// </remarks>
internal static class CsvDelimiterSniffer
{
    private const int MaxLines = 30;

    private static readonly char[] Candidates = { ',', ';', '\t', '|' };

    /// <param name="text">The start of the file.</param>
    /// <param name="wholeText">True when <paramref name="text"/> is the whole file, so its last line is complete.</param>
    public static char Sniff(ArraySegment<char> text, bool wholeText)
    {
        var counts = new int[MaxLines, Candidates.Length];
        int lines = CountPerLine(text, wholeText, counts);
        if (lines == 0)
        {
            return ',';
        }

        int best = -1, bestScore = 0, bestColumns = 0;
        for (int c = 0; c < Candidates.Length; c++)
        {
            int inHeader = counts[0, c];
            if (inHeader == 0)
            {
                continue;
            }

            int score = 0;
            for (int line = 0; line < lines; line++)
            {
                if (counts[line, c] == inHeader)
                {
                    score++;
                }
            }

            if (score > bestScore || (score == bestScore && inHeader > bestColumns))
            {
                best = c;
                bestScore = score;
                bestColumns = inHeader;
            }
        }

        return best < 0 ? ',' : Candidates[best];
    }

    /// <summary>Counts the candidates outside quotes on each line with content; returns the number of lines counted.</summary>
    private static int CountPerLine(ArraySegment<char> text, bool wholeText, int[,] counts)
    {
        char[] a = text.Array!;
        int end = text.Offset + text.Count;
        int line = 0;
        bool inQuotes = false;
        bool blank = true;
        for (int i = text.Offset; i < end && line < MaxLines; i++)
        {
            char ch = a[i];
            if (ch == '"')
            {
                // Doubled quotes toggle twice, so counting every quote tracks RFC 4180 quoting well enough here.
                inQuotes = !inQuotes;
                blank = false;
            }
            else if (inQuotes)
            {
                continue;
            }
            else if (ch == '\r' || ch == '\n')
            {
                if (!blank)
                {
                    line++;
                }

                ClearLine(counts, line);
                blank = true;
            }
            else
            {
                int c = Array.IndexOf(Candidates, ch);
                if (c >= 0)
                {
                    // Delimiters alone do not make a line: the reader skips ",,,," rows as blank too.
                    counts[line, c]++;
                }
                else if (!char.IsWhiteSpace(ch))
                {
                    blank = false;
                }
            }
        }

        // The block may cut the last line short: count it only when it is the end of the file.
        if (!blank && wholeText && line < MaxLines)
        {
            line++;
        }

        return line;
    }

    private static void ClearLine(int[,] counts, int line)
    {
        if (line < MaxLines)
        {
            for (int c = 0; c < Candidates.Length; c++)
            {
                counts[line, c] = 0;
            }
        }
    }
}
