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

    /// <summary>The upper bound for all the files together; a file that cannot be read counts as none (the reader reports it).</summary>
    public static long Of(IEnumerable<string> files)
    {
        long total = 0;
        foreach (string file in files)
        {
            try
            {
                total += OfFile(file);
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

    public static long OfStream(Stream stream)
    {
        byte[] buffer = new byte[BufferSize];
        long breaks = 0;
        bool any = false;
        bool endsWithBreak = false;
        bool carriageReturnBefore = false;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            any = true;
            ReadOnlySpan<byte> rest = new(buffer, 0, read);
            if (carriageReturnBefore && rest[0] == (byte)'\n')
            {
                // The LF of a CR LF split across two reads: the CR was counted.
                rest = rest.Slice(1);
            }

            while (true)
            {
                int at = rest.IndexOfAny((byte)'\r', (byte)'\n');
                if (at < 0)
                {
                    break;
                }

                breaks++;
                if (rest[at] == (byte)'\r' && at + 1 < rest.Length && rest[at + 1] == (byte)'\n')
                {
                    at++;
                }

                rest = rest.Slice(at + 1);
            }

            byte last = buffer[read - 1];
            carriageReturnBefore = last == (byte)'\r';
            endsWithBreak = last is (byte)'\r' or (byte)'\n';
        }

        if (!any)
        {
            return 0;
        }

        long lines = breaks + (endsWithBreak ? 0 : 1);
        return Math.Max(0, lines - 1);
    }
}
