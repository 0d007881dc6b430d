using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Streams the profiles of one CSV file into <see cref="ProfileRecord"/>s: the fast path of <c>Invoke-CCExport -Path</c>.
/// </summary>
/// <remarks>
/// <para>
/// Bytes are decoded by <see cref="CsvStreamDecoder"/> (encoding from <see cref="CsvEncodingDetector"/>), the delimiter
/// comes from <see cref="CsvDelimiterSniffer"/>, and the text is split by CsvHelper's low-level <see cref="CsvParser"/>
/// in RFC 4180 mode. Only the columns the export reads become strings, and nothing is kept from one row to the next,
/// so memory stays flat whatever the file's size.
/// </para>
/// <para>
/// The header is the first row that is not blank. A bad row never throws: it becomes a record with a
/// <see cref="ProfileRecord.ReadIssue"/>, so that every row of the file is counted exactly once in the run's ledger.
/// docs/csv-samples.md lists the policies and what each sample file gives.
/// </para>
/// </remarks>
public sealed class CsvProfileReader : IDisposable
{
    /// <summary>
    /// The longest value, in chars. Far beyond anything a contact field holds, yet it bounds memory when an opening
    /// quote is never closed and the parser would otherwise pull the rest of a large file into one value.
    /// </summary>
    internal const int MaxValueLength = 1 << 20;

    private const int BlockLength = 64 * 1024;
    private const char Replacement = '\uFFFD';

    private readonly CsvParser parser;
    private readonly CsvStreamDecoder text;
    private readonly CsvHeader header;
    private readonly int fieldCount;

    // CsvParser counts lines: Row advances per record and per skipped empty line, RawRow also per line break inside
    // quotes. Their values after the previous record give the line on which the next one starts.
    private int lastRow;
    private int lastRawRow;

    private long recordNumber;
    private long suspectsSeen;
    private int fieldBeingRead = -1;
    private int fieldWithBadQuotes = -1;
    private bool ended;

    private CsvProfileReader(string sourceName, CsvStreamDecoder text, Encoding encoding, string delimiter, IReadOnlyList<string> sourceFields, IReadOnlyCollection<string> requiredFields, IReadOnlyList<string>? givenHeader)
    {
        SourceName = sourceName;
        this.text = text;
        Encoding = encoding;
        Delimiter = delimiter;
        var fields = new string[sourceFields.Count];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = (sourceFields[i] ?? throw new ArgumentException("A source field name is null.", nameof(sourceFields))).Trim();
        }

        fieldCount = fields.Length;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter,
            DetectDelimiter = false,
            Mode = CsvMode.RFC4180,
            IgnoreBlankLines = true,
            TrimOptions = TrimOptions.None,

            // Only used for trimming, which is off; empty so that any delimiter but a quote or line break is allowed.
            WhiteSpaceChars = Array.Empty<char>(),
            BadDataFound = OnBadData,

            // Its cache keeps every distinct value for the life of the parser: a million emails would stay in memory.
            CacheFields = false,
            CountBytes = false,
            BufferSize = BlockLength,
            MaxFieldSize = MaxValueLength,

            // Parser exceptions must not carry personal data into error records and logs.
            ExceptionMessagesContainRawData = false,
        };
        parser = new CsvParser(text, configuration, leaveOpen: false);
        header = givenHeader is null
            ? ReadHeader(fields, requiredFields)
            : CsvHeader.Map(SourceName, GivenNames(givenHeader), 0, false, fields, requiredFields, Delimiter, Encoding);
    }

    /// <summary>The file (path as given, or the name given with a stream), for records and messages.</summary>
    public string SourceName { get; }

    /// <summary>The encoding the file is read with: from its byte order mark, the UTF-16 NUL pattern, the options, or UTF-8.</summary>
    public Encoding Encoding { get; }

    /// <summary>The delimiter: sniffed from the first lines, or from the options.</summary>
    public string Delimiter { get; }

    /// <summary>The header's column names, trimmed, in file order (empty names included).</summary>
    public IReadOnlyList<string> Headers => header.Names;

    /// <summary>The source fields that have no column; their values are <see cref="SourceValue.Missing"/>.</summary>
    public IReadOnlyList<string> MissingFields => header.MissingFields;

    /// <summary>Bytes taken from the file so far, for progress. Runs ahead of the records by up to one 64 KB block.</summary>
    public long BytesRead => text.BytesRead;

    /// <summary>
    /// Blank lines and rows after the header that were skipped: empty lines, and rows whose cells are all empty or white
    /// space (",,,," left by Excel, a line of spaces). They are not records. Empty lines at the end of the file are not counted.
    /// </summary>
    public long BlankRowsSkipped { get; private set; }

    /// <summary>Opens a CSV file and reads its header.</summary>
    /// <param name="path">The file.</param>
    /// <param name="sourceFields">The profile properties the export reads, matched to header names trimmed and without regard to case.</param>
    /// <param name="requiredFields">The ones that must be columns (the email field); a file without them fails.</param>
    /// <param name="options">Encoding and delimiter overrides.</param>
    /// <exception cref="CsvSourceException">The file cannot be read as a CSV of profiles; the message says why.</exception>
    public static CsvProfileReader Open(string path, IReadOnlyList<string> sourceFields, IReadOnlyCollection<string> requiredFields, CsvReadOptions? options = null)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        FileStream stream;
        try
        {
            if (Directory.Exists(path))
            {
                throw new CsvSourceException(path, CsvSourceProblem.Unreadable, $"Cannot read '{path}': it is a folder, not a CSV file.");
            }

            // ReadWrite sharing: a file still open in Excel can be read, as Import-Csv can. SequentialScan: read once, front to back.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CsvSourceException(path, CsvSourceProblem.NotFound, $"Cannot read '{path}': there is no such file.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw Unreadable(path, e);
        }

        return Open(stream, path, sourceFields, requiredFields, options);
    }

    /// <summary>Reads a CSV from a stream, which the reader takes over and disposes.</summary>
    /// <param name="stream">The CSV bytes.</param>
    /// <param name="sourceName">The name to put in records and messages.</param>
    /// <param name="sourceFields">The profile properties the export reads, matched to header names trimmed and without regard to case.</param>
    /// <param name="requiredFields">The ones that must be columns (the email field); a file without them fails.</param>
    /// <param name="options">Encoding and delimiter overrides.</param>
    /// <exception cref="CsvSourceException">The stream cannot be read as a CSV of profiles; the message says why.</exception>
    public static CsvProfileReader Open(Stream stream, string sourceName, IReadOnlyList<string> sourceFields, IReadOnlyCollection<string> requiredFields, CsvReadOptions? options = null)
    {
        if (stream is null)
        {
            throw new ArgumentNullException(nameof(stream));
        }

        try
        {
            if (sourceName is null)
            {
                throw new ArgumentNullException(nameof(sourceName));
            }

            if (sourceFields is null)
            {
                throw new ArgumentNullException(nameof(sourceFields));
            }

            if (requiredFields is null)
            {
                throw new ArgumentNullException(nameof(requiredFields));
            }

            string? delimiter = options?.Delimiter;
            if (delimiter is not null && (delimiter.Length == 0 || delimiter.IndexOfAny(new[] { '"', '\r', '\n' }) >= 0))
            {
                throw new ArgumentException("A delimiter must be one or more characters other than a quote or a line break.", nameof(options));
            }

            byte[] head = new byte[BlockLength];
            int headLength = ReadHead(stream, head, sourceName);
            if (headLength == 0)
            {
                throw new CsvSourceException(sourceName, CsvSourceProblem.Empty, $"Cannot read '{sourceName}': the file is empty.");
            }

            CsvEncodingGuess guess = CsvEncodingDetector.Detect(head, headLength, options?.Encoding);
            if (guess.NotText is not null)
            {
                throw new CsvSourceException(sourceName, CsvSourceProblem.NotText, $"Cannot read '{sourceName}': it is not a text CSV file but {guess.NotText}.");
            }

            if (headLength == guess.PreambleLength)
            {
                throw new CsvSourceException(sourceName, CsvSourceProblem.Empty, $"Cannot read '{sourceName}': the file is empty (it holds only a byte order mark).");
            }

            var text = new CsvStreamDecoder(stream, guess.Encoding!, head, guess.PreambleLength, headLength, streamEnded: headLength < head.Length);
            if (delimiter is null)
            {
                ArraySegment<char> start = text.PeekFirstBlock(out bool wholeText);
                delimiter = CsvDelimiterSniffer.Sniff(start, wholeText).ToString();
            }

            return new CsvProfileReader(sourceName, text, guess.Encoding!, delimiter, sourceFields, requiredFields, options?.Header);
        }
        catch (IOException e)
        {
            stream.Dispose();
            throw Unreadable(sourceName ?? "(stream)", e);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the next record into <paramref name="record"/>: values aligned with the source fields, record and line
    /// numbers, source name, and a <see cref="ProfileRecord.ReadIssue"/> when the row is bad. Never throws for a bad row.
    /// </summary>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="CsvSourceException">The file itself fails part way (an I/O error, a value past the size limit).</exception>
    public bool Read(ProfileRecord record)
    {
        if (record is null)
        {
            throw new ArgumentNullException(nameof(record));
        }

        if (record.Values.Length != fieldCount)
        {
            throw new ArgumentException($"The record has {record.Values.Length} values but the reader reads {fieldCount} source fields.", nameof(record));
        }

        int[] columnOfField = header.ColumnOfField;
        SourceValue[] values = record.Values;
        while (!ended)
        {
            if (!NextRow(out int startLine, out int endLine, out int emptyLines))
            {
                // Empty lines at the very end are not counted: CsvHelper reports them only for some line ends.
                ended = true;
                break;
            }

            BlankRowsSkipped += emptyLines;

            int count = parser.Count;
            fieldWithBadQuotes = -1;
            bool blank = true;
            for (int f = 0; f < columnOfField.Length; f++)
            {
                int column = columnOfField[f];
                if (column < 0)
                {
                    values[f] = SourceValue.Missing;
                }
                else if (column >= count)
                {
                    // A short row: the column exists but this row has no cell for it.
                    values[f] = SourceValue.Null;
                }
                else
                {
                    // Tells OnBadData which field CsvHelper is complaining about.
                    fieldBeingRead = f;
                    string value = parser[column];
                    values[f] = SourceValue.FromText(value);
                    blank = blank && IsBlank(value);
                }
            }

            fieldBeingRead = -1;
            if (blank && RowIsBlank(count))
            {
                BlankRowsSkipped++;
                continue;
            }

            recordNumber++;
            record.RecordNumber = recordNumber;
            record.LineNumber = startLine;
            record.SourceName = SourceName;
            record.Original = null;
            record.ReadIssue = FindIssue(values, count, startLine, endLine);
            return true;
        }

        return false;
    }

    public void Dispose() => parser.Dispose();

    private static bool IsBlank(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (!char.IsWhiteSpace(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int ReadHead(Stream stream, byte[] head, string sourceName)
    {
        try
        {
            int length = 0;
            int n;
            while (length < head.Length && (n = stream.Read(head, length, head.Length - length)) > 0)
            {
                length += n;
            }

            return length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw Unreadable(sourceName, e);
        }
    }

    private static CsvSourceException Unreadable(string sourceName, Exception e) =>
        new(sourceName, CsvSourceProblem.Unreadable, $"Cannot read '{sourceName}': {e.Message}", e);

    private static int CountChar(string value, char c)
    {
        int n = 0;
        int at = -1;
        while ((at = value.IndexOf(c, at + 1)) >= 0)
        {
            n++;
        }

        return n;
    }

    /// <summary>
    /// CsvHelper found a quote it did not expect in a value. A quote inside a value that does not start with one
    /// (<c>32" TV</c>, <c>37°36'37.8"N</c>) is data: the parser never enters quoted mode for it, so nothing shifts, and
    /// Excel reads it the same way. Quotes are a problem when the value starts with one (after any white space): text
    /// after the closing quote, a quote that never closes, or <c>, "Ann"</c> with a space before the opening quote,
    /// which would send the quotes as part of the name.
    /// </summary>
    private void OnBadData(BadDataFoundArgs args)
    {
        // Called lazily, when a field becomes a string; only the fields the export reads count here. Quotes elsewhere
        // matter only when they change the row's shape, which FindIssue checks.
        if (fieldBeingRead < 0 || fieldWithBadQuotes >= 0)
        {
            return;
        }

        string raw = args.Field;
        int i = 0;
        while (i < raw.Length && char.IsWhiteSpace(raw[i]))
        {
            i++;
        }

        if (i < raw.Length && raw[i] == '"')
        {
            fieldWithBadQuotes = fieldBeingRead;
        }
    }

    /// <summary>Advances CsvHelper by one row and works out the physical lines it spans, and the empty lines it skipped before it.</summary>
    private bool NextRow(out int startLine, out int endLine, out int emptyLines)
    {
        bool more;
        try
        {
            more = parser.Read();
        }
        catch (MaxFieldSizeException e)
        {
            // The parser cannot resume mid-value: the file ends here for this reader.
            ended = true;
            int line = lastRawRow + 1;
            throw new CsvSourceException(
                SourceName,
                CsvSourceProblem.FieldTooLarge,
                $"Cannot read '{SourceName}' past line {line}: a value there runs on past {MaxValueLength.ToString("N0", CultureInfo.InvariantCulture)} characters. " +
                "An opening quote is probably never closed (a quote inside a value must be doubled: \"\").",
                e);
        }
        catch (IOException e)
        {
            ended = true;
            throw Unreadable(SourceName, e);
        }

        int row = parser.Row;
        emptyLines = row - lastRow - 1;
        if (!more)
        {
            startLine = endLine = 0;
            return false;
        }

        int rawRow = parser.RawRow;
        startLine = lastRawRow + (row - lastRow);
        endLine = rawRow;
        lastRow = row;
        lastRawRow = rawRow;
        return true;
    }

    private static string[] GivenNames(IReadOnlyList<string> header)
    {
        var names = new string[header.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = (header[i] ?? string.Empty).Trim();
        }

        return names;
    }

    private CsvHeader ReadHeader(string[] sourceFields, IReadOnlyCollection<string> requiredFields)
    {
        int line;
        do
        {
            if (!NextRow(out line, out _, out _))
            {
                throw new CsvSourceException(SourceName, CsvSourceProblem.NoHeader, $"Cannot read '{SourceName}': it has no header row (it holds only blank lines).");
            }
        }
        while (RowIsBlank(parser.Count));

        var names = new string[parser.Count];
        long suspects = 0;
        bool badBytes = false;
        for (int i = 0; i < names.Length; i++)
        {
            string name = parser[i];
            int bad = CountChar(name, CsvStreamDecoder.InvalidByteMarker);
            suspects += bad + CountChar(name, '\0');
            if (bad > 0)
            {
                badBytes = true;
                name = name.Replace(CsvStreamDecoder.InvalidByteMarker, Replacement);
            }

            names[i] = name.Trim();
        }

        suspectsSeen += suspects;
        return CsvHeader.Map(SourceName, names, line, badBytes, sourceFields, requiredFields, Delimiter, Encoding);
    }

    /// <summary>True when every cell of the current row is empty or white space. Cells already read come from CsvHelper's per-row cache.</summary>
    private bool RowIsBlank(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (!IsBlank(parser[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The row's problem, most fundamental first: bytes not valid in the encoding (the cause of everything else),
    /// then a broken shape or quotes (values may be shifted), then NUL characters.
    /// </summary>
    private ProfileIssue? FindIssue(SourceValue[] values, int count, int startLine, int endLine)
    {
        ProfileIssue? nul = null;
        if (text.SuspectChars > suspectsSeen)
        {
            ProfileIssue? encoding = FindSuspects(values, count, startLine, out nul);
            if (encoding is not null)
            {
                return encoding;
            }
        }

        string? problem = null;
        int columns = header.Names.Length;
        if (count < columns)
        {
            problem = $"the row has {count} field{(count == 1 ? string.Empty : "s")} but the header has {columns}";
        }
        else if (count > columns)
        {
            // Extra cells that are empty or blank are a trailing delimiter ("a,b,"), harmless; data there is not.
            for (int i = columns; i < count; i++)
            {
                if (!IsBlank(parser[i]))
                {
                    problem = $"the row has {count} fields but the header has {columns}, and the extra ones hold data (a value with the delimiter in it that is not quoted?)";
                    break;
                }
            }
        }

        if (problem is null && fieldWithBadQuotes >= 0)
        {
            problem = $"the value of {CsvHeader.Quote(header.Names[header.ColumnOfField[fieldWithBadQuotes]])} is quoted wrongly " +
                "(a quoted value must start with its quote right after the delimiter and end with one; a quote inside it must be doubled: \"\")";
        }

        if (problem is not null)
        {
            string runOn = endLine > startLine ? $" The row runs on past the end of line {startLine}, so an opening quote is probably not closed." : string.Empty;
            return new ProfileIssue(RejectReason.MalformedRow, null, $"Line {startLine}: {problem}.{runOn}");
        }

        return nul;
    }

    /// <summary>
    /// Looks for invalid-byte markers and NULs in every cell of the row (only while some are pending, so a clean file
    /// never pays for it), so that each is accounted for wherever it is. A marker anywhere rejects the row: it means
    /// the file is read with the wrong encoding. A NUL matters only in a column the export reads.
    /// </summary>
    private ProfileIssue? FindSuspects(SourceValue[] values, int count, int line, out ProfileIssue? nul)
    {
        nul = null;
        int badColumn = -1;
        for (int column = 0; column < count; column++)
        {
            string value = parser[column];
            int bad = CountChar(value, CsvStreamDecoder.InvalidByteMarker);
            int nuls = CountChar(value, '\0');
            suspectsSeen += bad + nuls;
            if (bad > 0 && badColumn < 0)
            {
                badColumn = column;
            }

            string? field = header.FieldAt(column);
            if (nuls > 0 && field is not null && nul is null)
            {
                nul = new ProfileIssue(
                    RejectReason.InvalidCharacters,
                    field,
                    $"Line {line}: the value of {CsvHeader.Quote(header.Names[column])} holds a NUL character (byte 0), which text never does: the file may be damaged, or in another encoding.");
            }
        }

        if (badColumn < 0)
        {
            return null;
        }

        // The reject report shows the usual replacement character rather than our private marker.
        for (int f = 0; f < values.Length; f++)
        {
            string? value = values[f].Text;
            if (values[f].Kind == SourceValueKind.Text && value!.IndexOf(CsvStreamDecoder.InvalidByteMarker) >= 0)
            {
                values[f] = SourceValue.FromText(value.Replace(CsvStreamDecoder.InvalidByteMarker, Replacement));
            }
        }

        return new ProfileIssue(
            RejectReason.InvalidEncoding,
            header.FieldAt(badColumn),
            $"Line {line}: the value of {CsvHeader.Quote(header.NameOf(badColumn))} has bytes that are not valid {Encoding.WebName.ToUpperInvariant()}. " +
            "If the file was saved in another encoding (Windows-1252, Latin-1...), give it with -Encoding, or save the file as UTF-8.");
    }
}
