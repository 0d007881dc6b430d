using System;
using System.Collections.Generic;
using System.IO;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// The most profiles some CSV files can hold, found without parsing them: one per line after each file's header.
/// Every record ends at a line break (CR LF, LF or a lone CR), and quoted line breaks or blank lines only make the
/// count larger, so it is never less than what the reader will find. A file in UTF-16 counts each CR LF twice;
/// still an upper bound. Reads the files once, at the speed of a vectorized byte search.
/// </summary>
public static class CsvRecordBound
{
    private const int BufferSize = 1 << 16;

    /// <summary>A quoted value may run over this many line breaks before the file counts as broken.</summary>
    public const int MaxQuotedLineBreaks = 100;

    /// <summary>The upper bound for all the files together; a file that cannot be read counts as none (the reader reports it).</summary>
    public static long Of(IEnumerable<string> files) => Of(files, failOnUnclosedQuote: false);

    /// <summary>
    /// The upper bound, as <see cref="Of(IEnumerable{string})"/>; with <paramref name="failOnUnclosedQuote"/> a file in
    /// which a quoted value runs over more than <see cref="MaxQuotedLineBreaks"/> line breaks, or to the end of the file,
    /// fails: an opening quote never closed would swallow the rows after it into one value.
    /// </summary>
    /// <exception cref="CsvSourceException">UnclosedQuote, naming the line where the quote opened.</exception>
    public static long Of(IEnumerable<string> files, bool failOnUnclosedQuote)
    {
        long total = 0;
        foreach (string file in files)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                total += Scan(stream, out long unclosedAt, out bool toEnd);
                if (failOnUnclosedQuote && unclosedAt > 0)
                {
                    throw new CsvSourceException(
                        file,
                        CsvSourceProblem.UnclosedQuote,
                        $"Cannot read '{file}': the quote that opens a value on line {unclosedAt} is never closed, so the value runs on " +
                        (toEnd ? "to the end of the file" : $"over more than {MaxQuotedLineBreaks} lines") +
                        $" and would swallow the rows after it. A quote inside a value must be doubled (\"\"): correct line {unclosedAt}.");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not read now, not read by the staging either: it contributes no profile.
            }
        }

        return total;
    }

    /// <summary>Lines after the first (the header) of one file.</summary>
    public static long OfFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        return OfStream(file);
    }

    public static long OfStream(Stream stream) => Scan(stream, out _, out _);

    /// <summary>
    /// Counts the line breaks and follows quoting as the reader does: a quote opens a quoted value only at the start
    /// of a field (the line's start or after a delimiter), a quote in a quoted value closes it unless doubled ("").
    /// </summary>
    /// <param name="stream">The file.</param>
    /// <param name="unclosedAt">The line a quoted value that runs over more than <see cref="MaxQuotedLineBreaks"/> line breaks, or over a line break to the end of the file, opened on; 0 when none.</param>
    /// <param name="toEnd">That value runs to the end of the file.</param>
    private static long Scan(Stream stream, out long unclosedAt, out bool toEnd)
    {
        byte[] buffer = new byte[BufferSize];
        long breaks = 0;
        bool any = false;
        bool endsWithBreak = false;
        bool carriageReturnBefore = false;
        bool quoted = false;
        bool quoteEndedRead = false; // a quote inside a quoted value was the last byte read: closing, or half of ""
        long breaksAtOpen = 0;
        byte before = (byte)'\n';
        long offset = 0;
        unclosedAt = 0;
        toEnd = false;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            any = true;
            ReadOnlySpan<byte> span = new(buffer, 0, read);
            int i = 0;
            if (carriageReturnBefore && span[0] == (byte)'\n')
            {
                // The LF of a CR LF split across two reads: the CR was counted.
                i = 1;
            }

            if (quoteEndedRead)
            {
                quoteEndedRead = false;
                if (span[i] == (byte)'"')
                {
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }

            while (i < read)
            {
                if (quoted)
                {
                    int quote = span.Slice(i).IndexOf((byte)'"');
                    int end = quote < 0 ? read : i + quote;
                    breaks += CountBreaks(span.Slice(i, end - i));
                    if (unclosedAt == 0 && breaks - breaksAtOpen > MaxQuotedLineBreaks)
                    {
                        unclosedAt = breaksAtOpen + 1;
                    }

                    if (quote < 0)
                    {
                        break;
                    }

                    if (end + 1 >= read)
                    {
                        quoteEndedRead = true;
                        i = read;
                    }
                    else if (span[end + 1] == (byte)'"')
                    {
                        i = end + 2;
                    }
                    else
                    {
                        quoted = false;
                        i = end + 1;
                    }

                    continue;
                }

                int at = span.Slice(i).IndexOfAny((byte)'\r', (byte)'\n', (byte)'"');
                if (at < 0)
                {
                    break;
                }

                at += i;
                if (span[at] == (byte)'"')
                {
                    byte previous = at > 0 ? span[at - 1] : before;
                    if (previous is (byte)'\r' or (byte)'\n' or (byte)',' or (byte)';' or (byte)'\t' or (byte)'|' || (offset + at == 3 && previous == 0xBF))
                    {
                        quoted = true;
                        breaksAtOpen = breaks;
                    }

                    i = at + 1;
                    continue;
                }

                breaks++;
                if (span[at] == (byte)'\r' && at + 1 < read && span[at + 1] == (byte)'\n')
                {
                    at++;
                }

                i = at + 1;
            }

            byte last = buffer[read - 1];
            carriageReturnBefore = last == (byte)'\r';
            endsWithBreak = last is (byte)'\r' or (byte)'\n';
            before = last;
            offset += read;
        }

        if (!any)
        {
            return 0;
        }

        if (unclosedAt == 0 && quoted && !quoteEndedRead && breaks > breaksAtOpen)
        {
            // Still in the quoted value at the end of the file, having swallowed at least one line break.
            unclosedAt = breaksAtOpen + 1;
            toEnd = true;
        }

        long lines = breaks + (endsWithBreak ? 0 : 1);
        return Math.Max(0, lines - 1);
    }

    /// <summary>Line breaks in a span (CR LF, LF or a lone CR each one).</summary>
    private static long CountBreaks(ReadOnlySpan<byte> rest)
    {
        long breaks = 0;
        while (true)
        {
            int at = rest.IndexOfAny((byte)'\r', (byte)'\n');
            if (at < 0)
            {
                return breaks;
            }

            breaks++;
            if (rest[at] == (byte)'\r' && at + 1 < rest.Length && rest[at + 1] == (byte)'\n')
            {
                at++;
            }

            rest = rest.Slice(at + 1);
        }
    }
}
