using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ConstantContactExport.Engine.Profiles;
using CsCheck;
using CsvHelper;
using CsvHelper.Configuration;

namespace ConstantContactExport.Engine.Tests.Profiles;

/// <summary>
/// Whatever CsvHelper's writer produces (any delimiter, line end, quoting, encoding, multi-byte text, values spanning
/// lines and buffer boundaries), the reader gives back the same records: none lost, none repeated, each on its line.
/// </summary>
public sealed class CsvProfileReaderRoundTripTests
{
    // Delimiters, quotes, line breaks, white space (incl. no-break space), multi-byte and surrogate-pair text.
    private static readonly string[] Pieces =
    {
        "a", "Z", "0", "@", ".", "x y", "'", "\\", "=", " ", "  ", "\u00A0", ",", ";", "\t", "|", "\"", "\"\"", "\r", "\n", "\r\n",
        "é", "ʤ", "€", "中", "😀",
    };

    private static readonly Gen<string> Value = Gen.Frequency(
        (40, Gen.OneOfConst(Pieces).Array[0, 8].Select(p => string.Concat(p))),
        (1, Gen.OneOfConst(Pieces).Select(p => string.Concat(Enumerable.Repeat(p + "long", 3000)))));

    private static readonly Gen<Case> Cases =
        from columns in Gen.Int[1, 6]
        from rows in Value.Array[columns].Array[0, 40]
        from delimiter in Gen.OneOfConst(",", ";", "\t", "|")
        from newLine in Gen.OneOfConst("\r\n", "\n", "\r")
        from quoteAll in Gen.Bool
        from encoding in Gen.Int[0, 3]
        from giveDelimiter in Gen.Bool
        select new Case(columns, rows, delimiter, newLine, quoteAll, encoding, giveDelimiter);

    [Fact]
    public void Records_written_by_CsvHelper_read_back_identically()
    {
        Cases.Sample(Check, iter: 300);
    }

    private static void Check(Case c)
    {
        byte[] bytes = Write(c);
        string[] headers = Enumerable.Range(0, c.Columns).Select(i => "c" + i).ToArray();

        // Ask for the columns in another order and case, to check the mapping too.
        string[] fields = headers.Reverse().Select(h => h.ToUpperInvariant()).ToArray();

        // A one-column file has no delimiter to sniff: the export would have to be told (or it does not matter).
        var options = new CsvReadOptions { Delimiter = c.GiveDelimiter || c.Columns == 1 ? c.Delimiter : null };
        ReadResult result = CsvReading.Read(bytes, fields, new[] { fields[0] }, options);

        Assert.Equal(c.Delimiter, result.Delimiter);
        Assert.Equal(headers, result.Headers);

        long line = 2;
        int next = 0;
        long blank = 0;
        foreach (string[] row in c.Rows)
        {
            if (row.All(string.IsNullOrWhiteSpace))
            {
                // Not a record: a blank row is skipped and counted as such.
                blank++;
            }
            else
            {
                ReadRecord record = result.Records[next++];
                Assert.Null(record.Issue);
                Assert.Equal(next, record.RecordNumber);
                Assert.Equal(line, record.LineNumber);
                Assert.Equal(row.Reverse(), record.Values.Select(v => v.Text));
            }

            line += 1 + row.Sum(LineBreaks);
        }

        // Rows written as empty lines at the very end are the end of the file, not counted.
        blank -= c.Rows.Reverse().TakeWhile(r => c.Columns == 1 && !c.QuoteAll && r[0].Length == 0).Count();

        Assert.Equal(next, result.Records.Count);
        Assert.Equal(blank, result.BlankRowsSkipped);
        Assert.Equal(bytes.Length, result.BytesRead);
    }

    private static byte[] Write(Case c)
    {
        Encoding encoding = c.Encoding switch
        {
            0 => new UTF8Encoding(false),
            1 => new UTF8Encoding(true),
            2 => new UnicodeEncoding(false, true),
            _ => new UnicodeEncoding(true, true),
        };
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = c.Delimiter,
            NewLine = c.NewLine,

            // CsvHelper quotes a value holding the configured line end, but not a lone \r or \n of another kind;
            // every reader would split there, so writers that matter (Excel) quote any line break.
            ShouldQuote = args => c.QuoteAll || ConfigurationFunctions.ShouldQuote(args) || (args.Field?.IndexOfAny(new[] { '\r', '\n' }) ?? -1) >= 0,
        };
        var stream = new MemoryStream();
        using (var writer = new StreamWriter(stream, encoding, 4096, leaveOpen: true))
        using (var csv = new CsvWriter(writer, configuration))
        {
            for (int i = 0; i < c.Columns; i++)
            {
                csv.WriteField("c" + i);
            }

            csv.NextRecord();
            foreach (string[] row in c.Rows)
            {
                foreach (string value in row)
                {
                    csv.WriteField(value);
                }

                csv.NextRecord();
            }
        }

        return stream.ToArray();
    }

    /// <summary>Line breaks as CsvHelper counts lines: CR, LF, and CRLF as one.</summary>
    private static int LineBreaks(string value)
    {
        int n = 0;
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\r' || (value[i] == '\n' && (i == 0 || value[i - 1] != '\r')))
            {
                n++;
            }
        }

        return n;
    }

    public sealed record Case(int Columns, string[][] Rows, string Delimiter, string NewLine, bool QuoteAll, int Encoding, bool GiveDelimiter)
    {
        public override string ToString() =>
            $"{Columns} columns, {Rows.Length} rows, delimiter {Escape(Delimiter)}, newline {Escape(NewLine)}, quoteAll {QuoteAll}, encoding {Encoding}, give {GiveDelimiter}: " +
            string.Join(" / ", Rows.Select(r => string.Join(" | ", r.Select(v => Escape(v.Length > 40 ? v.Substring(0, 40) + "..." : v)))));

        private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t");
    }
}
