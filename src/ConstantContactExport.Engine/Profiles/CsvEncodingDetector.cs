using System;
using System.Text;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>What <see cref="CsvEncodingDetector"/> concluded from the first bytes of a file.</summary>
internal readonly struct CsvEncodingGuess
{
    private CsvEncodingGuess(Encoding? encoding, int preambleLength, string? notText)
    {
        Encoding = encoding;
        PreambleLength = preambleLength;
        NotText = notText;
    }

    /// <summary>The encoding to report (null when the file is not text).</summary>
    public Encoding? Encoding { get; }

    /// <summary>Bytes of byte order mark to skip.</summary>
    public int PreambleLength { get; }

    /// <summary>Why the file is not text ("a ZIP archive..."), or null.</summary>
    public string? NotText { get; }

    public static CsvEncodingGuess Text(Encoding encoding, int preambleLength) => new(encoding, preambleLength, null);

    public static CsvEncodingGuess Binary(string description) => new(null, 0, description);
}

/// <summary>
/// Decides how the bytes of a CSV file are text: a byte order mark, else the NUL pattern of UTF-16 without one,
/// else the encoding the user gave, else UTF-8. Also recognizes files that are not text at all, so that an .xlsx
/// or a .gz given by mistake fails with a clear message instead of as a million broken rows.
/// </summary>
internal static class CsvEncodingDetector
{
    /// <summary>How much of the file's start the UTF-16 and binary heuristics look at.</summary>
    public const int SampleLength = 8192;

    public static CsvEncodingGuess Detect(byte[] head, int length, Encoding? given)
    {
        // A byte order mark wins over a given encoding, as StreamReader (and so Import-Csv -Encoding) lets it.
        CsvEncodingGuess? bom = FromByteOrderMark(head, length);
        if (bom is not null)
        {
            return bom.Value;
        }

        int sample = Math.Min(length, SampleLength);
        if (given is not null)
        {
            // UTF-16/32 text is full of NULs by nature: the binary test only means something for byte-wise encodings.
            string? notText = IsWideEncoding(given) ? null : DescribeBinary(head, sample);
            return notText is null ? CsvEncodingGuess.Text(given, 0) : CsvEncodingGuess.Binary(notText);
        }

        Encoding? utf16 = FromNulPattern(head, sample);
        if (utf16 is not null)
        {
            return CsvEncodingGuess.Text(utf16, 0);
        }

        string? binary = DescribeBinary(head, sample);
        return binary is null ? CsvEncodingGuess.Text(new UTF8Encoding(false), 0) : CsvEncodingGuess.Binary(binary);
    }

    /// <summary>A copy of <paramref name="encoding"/> that decodes invalid bytes to <paramref name="marker"/> instead of throwing or hiding them as U+FFFD.</summary>
    public static Encoding WithDecoderMarker(Encoding encoding, char marker)
    {
        var copy = (Encoding)encoding.Clone();
        copy.DecoderFallback = new DecoderReplacementFallback(marker.ToString());
        return copy;
    }

    private static bool IsWideEncoding(Encoding encoding) => encoding.CodePage is 1200 or 1201 or 12000 or 12001;

    private static CsvEncodingGuess? FromByteOrderMark(byte[] b, int n)
    {
        // UTF-32 LE first: its mark begins with the UTF-16 LE one.
        if (n >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)
        {
            return CsvEncodingGuess.Text(new UTF32Encoding(bigEndian: false, byteOrderMark: true), 4);
        }

        if (n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF)
        {
            return CsvEncodingGuess.Text(new UTF32Encoding(bigEndian: true, byteOrderMark: true), 4);
        }

        if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        {
            return CsvEncodingGuess.Text(new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 3);
        }

        if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        {
            return CsvEncodingGuess.Text(new UnicodeEncoding(bigEndian: false, byteOrderMark: true), 2);
        }

        if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        {
            return CsvEncodingGuess.Text(new UnicodeEncoding(bigEndian: true, byteOrderMark: true), 2);
        }

        return null;
    }

    /// <summary>
    /// UTF-16 without a mark: a CSV is mostly ASCII (digits, delimiters, Latin letters), whose UTF-16 code units
    /// have a NUL high byte. So NULs at most odd offsets and almost none at even ones is UTF-16 LE, and the mirror
    /// image is BE. Binary files have NULs scattered over both.
    /// </summary>
    private static Encoding? FromNulPattern(byte[] b, int n)
    {
        int pairs = n / 2;
        if (pairs < 2)
        {
            return null;
        }

        int evenNuls = 0, oddNuls = 0;
        for (int i = 0; i + 1 < n; i += 2)
        {
            if (b[i] == 0)
            {
                evenNuls++;
            }

            if (b[i + 1] == 0)
            {
                oddNuls++;
            }
        }

        if (oddNuls * 2 >= pairs && evenNuls * 16 <= oddNuls)
        {
            return new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
        }

        if (evenNuls * 2 >= pairs && oddNuls * 16 <= evenNuls)
        {
            return new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
        }

        return null;
    }

    /// <summary>Null when the bytes can be text; otherwise what they look like, for the error message.</summary>
    internal static string? DescribeBinary(byte[] b, int n)
    {
        // Formats people hand over by mistake, named so that the message says what to do.
        if (StartsWith(b, n, 0x50, 0x4B, 0x03, 0x04) || StartsWith(b, n, 0x50, 0x4B, 0x05, 0x06))
        {
            return "a ZIP archive (an Excel .xlsx workbook is one: save it from Excel as \"CSV UTF-8\")";
        }

        if (StartsWith(b, n, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1))
        {
            return "an Office document (an Excel .xls workbook?: save it from Excel as \"CSV UTF-8\")";
        }

        if (StartsWith(b, n, 0x1F, 0x8B))
        {
            return "a gzip-compressed file (decompress it first)";
        }

        if (StartsWith(b, n, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A))
        {
            return "a PNG image";
        }

        if (StartsWith(b, n, 0xFF, 0xD8, 0xFF))
        {
            return "a JPEG image";
        }

        if (StartsWith(b, n, 0x25, 0x50, 0x44, 0x46, 0x2D))
        {
            return "a PDF document";
        }

        // Anything else: text has no C0 control bytes other than tab, line breaks, VT and FF. One or two
        // (csvkit's null_byte.csv) are a damaged cell, reported per row; more than 1 in 100 is not text.
        int controls = 0;
        for (int i = 0; i < n; i++)
        {
            byte x = b[i];
            if (x < 0x20 && x != 0x09 && x != 0x0A && x != 0x0B && x != 0x0C && x != 0x0D)
            {
                controls++;
            }
        }

        return controls > 2 && controls * 100 > n ? "binary data" : null;
    }

    private static bool StartsWith(byte[] b, int n, params byte[] signature)
    {
        if (n < signature.Length)
        {
            return false;
        }

        for (int i = 0; i < signature.Length; i++)
        {
            if (b[i] != signature[i])
            {
                return false;
            }
        }

        return true;
    }
}
