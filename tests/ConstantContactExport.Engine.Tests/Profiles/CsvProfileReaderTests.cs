using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ConstantContactExport.Engine.Profiles;
using static ConstantContactExport.Engine.Tests.Profiles.CsvReading;

namespace ConstantContactExport.Engine.Tests.Profiles;

public sealed class CsvProfileReaderTests : IDisposable
{
    private static readonly string[] EmailName = { "email", "name" };

    private readonly string folder = Path.Combine(Path.GetTempPath(), "cce-csv-tests-" + Guid.NewGuid().ToString("N"));

    public CsvProfileReaderTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // ---- Encodings ----

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_utf8_with_or_without_a_byte_order_mark(bool bom)
    {
        byte[] bytes = new UTF8Encoding(bom).GetPreamble().Concat(Encoding.UTF8.GetBytes("email,name\na@x.com,Zoë ʤ 😀\n")).ToArray();

        ReadResult result = Read(bytes, EmailName);

        Assert.Equal("utf-8", result.Encoding);
        Assert.Equal(new[] { "email", "name" }, result.Headers);
        ReadRecord record = Assert.Single(result.Records);
        Assert.Equal("Zoë ʤ 😀", record[1]);
        Assert.Null(record.Issue);
    }

    [Theory]
    [InlineData(false, "utf-16")]
    [InlineData(true, "utf-16BE")]
    public void Reads_utf16_with_a_byte_order_mark(bool bigEndian, string expected)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        byte[] bytes = encoding.GetPreamble().Concat(encoding.GetBytes("email\tname\r\na@x.com\tZoë 😀\r\n")).ToArray();

        ReadResult result = Read(bytes, EmailName);

        Assert.Equal(expected, result.Encoding);
        Assert.Equal("\t", result.Delimiter);
        Assert.Equal(new[] { "email", "name" }, result.Headers);
        Assert.Equal("Zoë 😀", Assert.Single(result.Records)[1]);
    }

    [Theory]
    [InlineData(false, "utf-16")]
    [InlineData(true, "utf-16BE")]
    public void Detects_utf16_without_a_byte_order_mark_by_its_nul_pattern(bool bigEndian, string expected)
    {
        byte[] bytes = new UnicodeEncoding(bigEndian, byteOrderMark: false).GetBytes("email,name\na@x.com,Zoë\nb@x.com,Bo\n");

        ReadResult result = Read(bytes, EmailName);

        Assert.Equal(expected, result.Encoding);
        Assert.Equal(new[] { "Zoë", "Bo" }, result.Records.Select(r => r[1]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_utf32_with_a_byte_order_mark(bool bigEndian)
    {
        var encoding = new UTF32Encoding(bigEndian, byteOrderMark: true);
        byte[] bytes = encoding.GetPreamble().Concat(encoding.GetBytes("email,name\na@x.com,Zoë 😀\n")).ToArray();

        Assert.Equal("Zoë 😀", Assert.Single(Read(bytes, EmailName).Records)[1]);
    }

    [Fact]
    public void Strips_the_byte_order_mark_before_a_quoted_header()
    {
        byte[] bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\"email\",\"name\"\n\"a@x.com\",\"Ann\"\n")).ToArray();

        ReadResult result = Read(bytes, EmailName);

        Assert.Equal(new[] { "email", "name" }, result.Headers);
        Assert.Equal("Ann", Assert.Single(result.Records)[1]);
    }

    [Fact]
    public void Strips_a_byte_order_mark_that_arrives_as_a_character_with_a_given_encoding()
    {
        // UTF8Encoding(false) has no preamble to skip, so the mark is decoded: it must not become part of "email".
        byte[] bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\"email\",name\na@x.com,Ann\n")).ToArray();

        ReadResult result = Read(bytes, EmailName, options: new CsvReadOptions { Encoding = new UTF8Encoding(false), });

        Assert.Equal("email", result.Headers[0]);
    }

    [Fact]
    public void Invalid_utf8_marks_only_the_record_that_holds_it()
    {
        byte[] bytes = Concat("email,name,city\na@x.com,Ann,Paris\nb@x.com,Ren", new byte[] { 0xE9 }, "e,Lyon\nc@x.com,Cy,Nice\n");

        ReadResult result = Read(bytes, EmailName);

        Assert.Equal(3, result.Records.Count);
        Assert.Null(result.Records[0].Issue);
        Assert.Null(result.Records[2].Issue);
        ProfileIssue issue = result.Records[1].Issue!;
        Assert.Equal(RejectReason.InvalidEncoding, issue.Reason);
        Assert.Equal("name", issue.Field);
        Assert.StartsWith("Line 3:", issue.Message);
        Assert.Contains("UTF-8", issue.Message);
        Assert.Contains("-Encoding", issue.Message);

        // Shown with the usual replacement character, never our private marker.
        Assert.Equal("Ren\uFFFDe", result.Records[1][1]);
    }

    [Fact]
    public void Invalid_bytes_in_a_column_the_export_does_not_read_still_mark_the_record_without_a_field()
    {
        byte[] bytes = Concat("email,name,city\nb@x.com,Ann,Orl", new byte[] { 0xE9, 0x61 }, "ns\nc@x.com,Cy,Nice\n");

        ReadResult result = Read(bytes, EmailName);

        ProfileIssue issue = result.Records[0].Issue!;
        Assert.Equal(RejectReason.InvalidEncoding, issue.Reason);
        Assert.Null(issue.Field);
        Assert.Contains("'city'", issue.Message);
        Assert.Null(result.Records[1].Issue);
    }

    [Fact]
    public void A_real_replacement_character_in_the_file_is_not_an_encoding_error()
    {
        ReadResult result = Read("email,name\na@x.com,37\uFFFD36'\n", EmailName);

        ReadRecord record = Assert.Single(result.Records);
        Assert.Null(record.Issue);
        Assert.Equal("37\uFFFD36'", record[1]);
    }

    [Fact]
    public void A_utf8_sequence_cut_off_by_the_end_of_the_file_marks_the_last_record()
    {
        byte[] bytes = Concat("email,name\na@x.com,Ann\nb@x.com,Zo", new byte[] { 0xC3 });

        ReadResult result = Read(bytes, EmailName);

        Assert.Null(result.Records[0].Issue);
        Assert.Equal(RejectReason.InvalidEncoding, result.Records[1].Issue!.Reason);
        Assert.StartsWith("Line 3:", result.Records[1].Issue!.Message);
    }

    [Fact]
    public void A_lone_utf16_surrogate_is_an_encoding_error_on_its_record()
    {
        var encoding = new UnicodeEncoding(false, true);
        byte[] bytes = encoding.GetPreamble()
            .Concat(encoding.GetBytes("email,name\na@x.com,"))
            .Concat(new byte[] { 0x00, 0xD8 }) // U+D800 with no low surrogate after it
            .Concat(encoding.GetBytes("x\nb@x.com,Bo\n"))
            .ToArray();

        ReadResult result = Read(bytes, EmailName);

        Assert.Equal(RejectReason.InvalidEncoding, result.Records[0].Issue!.Reason);
        Assert.Contains("UTF-16", result.Records[0].Issue!.Message);
        Assert.Null(result.Records[1].Issue);
    }

    [Fact]
    public void A_given_encoding_reads_a_latin1_file()
    {
        byte[] bytes = Concat("email,name\na@x.com,Ren", new byte[] { 0xE9 }, "e\n");
        Encoding latin1 = Encoding.Latin1;

        ReadResult result = Read(bytes, EmailName, options: new CsvReadOptions { Encoding = latin1 });

        Assert.Equal("iso-8859-1", result.Encoding);
        ReadRecord record = Assert.Single(result.Records);
        Assert.Null(record.Issue);
        Assert.Equal("Renée", record[1]);
    }

    [Fact]
    public void A_byte_order_mark_wins_over_a_given_encoding_as_with_Import_Csv()
    {
        byte[] bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("email,name\na@x.com,Renée\n")).ToArray();

        ReadResult result = Read(bytes, EmailName, options: new CsvReadOptions { Encoding = Encoding.Latin1 });

        Assert.Equal("utf-8", result.Encoding);
        Assert.Equal("Renée", Assert.Single(result.Records)[1]);
    }

    // ---- Not text, empty, no header ----

    [Fact]
    public void A_zip_file_is_not_text()
    {
        string path = Path.Combine(folder, "contacts.xlsx");
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("xl/sheet1.xml").Open());
            writer.Write("<worksheet>" + string.Concat(Enumerable.Repeat("<row>a@x.com</row>", 500)) + "</worksheet>");
        }

        CsvSourceException e = Assert.Throws<CsvSourceException>(() => CsvProfileReader.Open(path, EmailName, new[] { "email" }));

        Assert.Equal(CsvSourceProblem.NotText, e.Problem);
        Assert.Equal(path, e.SourceName);
        Assert.Contains(path, e.Message);
        Assert.Contains("ZIP", e.Message);
    }

    [Fact]
    public void A_gzip_file_is_not_text()
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            byte[] csv = Encoding.UTF8.GetBytes("email,name\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"user{i}@x.com,Name {i}\n")));
            gzip.Write(csv, 0, csv.Length);
        }

        CsvSourceException e = Assert.Throws<CsvSourceException>(() => Read(compressed.ToArray(), EmailName));

        Assert.Equal(CsvSourceProblem.NotText, e.Problem);
        Assert.Contains("'test.csv'", e.Message);
    }

    [Fact]
    public void Binary_data_without_a_known_signature_is_not_text()
    {
        var random = new Random(7);
        byte[] bytes = new byte[5000];
        random.NextBytes(bytes);
        bytes[0] = (byte)'e'; // no known signature

        CsvSourceException e = Assert.Throws<CsvSourceException>(() => Read(bytes, EmailName));
        Assert.Equal(CsvSourceProblem.NotText, e.Problem);
        Assert.EndsWith("it is not a text CSV file but binary data.", e.Message);
    }

    [Fact]
    public void A_png_image_is_not_text_even_with_a_given_encoding()
    {
        byte[] bytes = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52 };

        CsvSourceException e = Assert.Throws<CsvSourceException>(() => Read(bytes, EmailName, options: new CsvReadOptions { Encoding = Encoding.UTF8 }));

        Assert.Equal(CsvSourceProblem.NotText, e.Problem);
        Assert.Contains("PNG", e.Message);
    }

    [Fact]
    public void An_empty_file_fails_naming_it()
    {
        string path = Path.Combine(folder, "empty.csv");
        File.WriteAllBytes(path, Array.Empty<byte>());

        CsvSourceException e = Assert.Throws<CsvSourceException>(() => CsvProfileReader.Open(path, EmailName, new[] { "email" }));

        Assert.Equal(CsvSourceProblem.Empty, e.Problem);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_file_with_only_a_byte_order_mark_is_empty()
    {
        Assert.Equal(CsvSourceProblem.Empty, Assert.Throws<CsvSourceException>(() => Read(Encoding.UTF8.GetPreamble(), EmailName)).Problem);
    }

    [Theory]
    [InlineData("\n\n\r\n")]
    [InlineData("   \n,,,\n")]
    public void A_file_of_blank_lines_has_no_header(string text)
    {
        CsvSourceException e = Assert.Throws<CsvSourceException>(() => Read(text, EmailName));

        Assert.Equal(CsvSourceProblem.NoHeader, e.Problem);
        Assert.Contains("'test.csv'", e.Message);
    }

    [Fact]
    public void A_missing_file_is_NotFound_and_a_folder_is_Unreadable()
    {
        string missing = Path.Combine(folder, "nope.csv");

        Assert.Equal(CsvSourceProblem.NotFound, Assert.Throws<CsvSourceException>(() => CsvProfileReader.Open(missing, EmailName, new[] { "email" })).Problem);
        Assert.Equal(CsvSourceProblem.Unreadable, Assert.Throws<CsvSourceException>(() => CsvProfileReader.Open(folder, EmailName, new[] { "email" })).Problem);
    }

    // ---- Header ----

    [Fact]
    public void A_missing_required_column_names_the_file_the_column_and_the_columns_found()
    {
        string path = Path.Combine(folder, "people.csv");
        File.WriteAllText(path, "Mail;First;Last\na@x.com;Ann;Lee\n");

        CsvSourceException e = Assert.Throws<CsvSourceException>(() => CsvProfileReader.Open(path, new[] { "Email", "First" }, new[] { "Email" }));

        Assert.Equal(CsvSourceProblem.MissingColumns, e.Problem);
        Assert.Equal(new[] { "Email" }, e.Columns);
        Assert.Contains(path, e.Message);
        Assert.Contains("'Email'", e.Message);
        Assert.Contains("'Mail', 'First', 'Last'", e.Message);
    }

    [Fact]
    public void Header_names_are_trimmed_and_matched_without_regard_to_case()
    {
        ReadResult result = Read(" EMail ,\tNAME\t,x\na@x.com,Ann,1\n", "email", "Name");

        Assert.Equal(new[] { "EMail", "NAME", "x" }, result.Headers);
        Assert.Equal(new[] { "a@x.com", "Ann" }, result.Records[0].Values.Select(v => v.Text));
    }

    [Fact]
    public void A_source_field_without_a_column_is_Missing_and_listed()
    {
        ReadResult result = Read(Encoding.UTF8.GetBytes("email,name\na@x.com,Ann\n"), new[] { "email", "Tier", "name" }, new[] { "email" });

        Assert.Equal(new[] { "Tier" }, result.MissingFields);
        ReadRecord record = Assert.Single(result.Records);
        Assert.Equal(SourceValueKind.Missing, record.Values[1].Kind);
        Assert.Equal("Ann", record[2]);
    }

    [Fact]
    public void A_duplicate_column_that_the_export_reads_fails_and_one_it_does_not_read_is_fine()
    {
        CsvSourceException e = Assert.Throws<CsvSourceException>(() => Read("email,name,Email\na@x.com,Ann,b@x.com\n", EmailName));
        Assert.Equal(CsvSourceProblem.DuplicateColumn, e.Problem);
        Assert.Equal(new[] { "email" }, e.Columns);
        Assert.Contains("columns 1, 3", e.Message);

        ReadResult fine = Read("email,note,,note,\na@x.com,1,,2,\n", "email");
        Assert.Equal("a@x.com", Assert.Single(fine.Records)[0]);
    }

    // ---- Delimiters and line ends ----

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public void Detects_each_delimiter_ignoring_the_others_inside_values(string delimiter)
    {
        string d = delimiter;
        string text = $"email{d}name{d}note\na@x.com{d}\"Lee{d} Ann\"{d}\"x,y;z|w\tv\"\nb@x.com{d}Bo{d}\"1{d}2\"\n";

        ReadResult result = Read(text, EmailName);

        Assert.Equal(delimiter, result.Delimiter);
        Assert.Equal(new[] { $"Lee{d} Ann", "Bo" }, result.Records.Select(r => r[1]));
        Assert.All(result.Records, r => Assert.Null(r.Issue));
    }

    [Fact]
    public void A_given_delimiter_is_used_as_is_even_with_several_characters()
    {
        ReadResult result = Read(Encoding.UTF8.GetBytes("email::name\na@x.com::Ann,Lee\n"), EmailName, options: new CsvReadOptions { Delimiter = "::" });

        Assert.Equal("::", result.Delimiter);
        Assert.Equal("Ann,Lee", Assert.Single(result.Records)[1]);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void A_quoted_line_break_keeps_the_line_numbers_of_the_records_after_it(string nl)
    {
        string text = $"email,name{nl}a@x.com,\"Ann{nl}Lee{nl}Smith\"{nl}b@x.com,Bo{nl}{nl}c@x.com,Cy";

        ReadResult result = Read(text, EmailName);

        Assert.Equal(new long?[] { 2, 5, 7 }, result.Records.Select(r => r.LineNumber));
        Assert.Equal(new long[] { 1, 2, 3 }, result.Records.Select(r => r.RecordNumber));
        Assert.Equal($"Ann{nl}Lee{nl}Smith", result.Records[0][1]);
        Assert.Equal("Cy", result.Records[2][1]);
    }

    [Fact]
    public void Mixed_line_ends_each_count_as_one_line()
    {
        ReadResult result = Read("email,name\r\na@x.com,A\rb@x.com,B\nc@x.com,C\r\n", EmailName);

        Assert.Equal(new long?[] { 2, 3, 4 }, result.Records.Select(r => r.LineNumber));
    }

    [Fact]
    public void Blank_lines_before_the_header_count_as_lines_and_blank_rows_are_skipped_not_counted()
    {
        ReadResult result = Read("\n\r\nemail,name\n\na@x.com,Ann\n,\n   ,  \nb@x.com,Bo\n", EmailName);

        Assert.Equal(new long?[] { 5, 8 }, result.Records.Select(r => r.LineNumber));
        Assert.Equal(new long[] { 1, 2 }, result.Records.Select(r => r.RecordNumber));
        Assert.Equal(3, result.BlankRowsSkipped);
    }

    [Fact]
    public void A_row_with_data_only_in_columns_the_export_does_not_read_is_a_record()
    {
        ReadResult result = Read("email,name,city\n,,Paris\n", EmailName);

        ReadRecord record = Assert.Single(result.Records);
        Assert.Equal(string.Empty, record[0]);
        Assert.Null(record.Issue);
    }

    // ---- Bad rows ----

    [Fact]
    public void Values_are_raw_cell_text_without_trimming()
    {
        ReadResult result = Read("email,name\n  a@x.com ,\"  Ann  \"\n", EmailName);

        Assert.Equal(new[] { "  a@x.com ", "  Ann  " }, result.Records[0].Values.Select(v => v.Text));
    }

    [Fact]
    public void A_short_row_is_malformed_and_its_missing_cells_are_null()
    {
        ReadResult result = Read("email,name,city\na@x.com,Ann\nb@x.com,Bo,Nice\n", EmailName.Append("city").ToArray());

        ProfileIssue issue = result.Records[0].Issue!;
        Assert.Equal(RejectReason.MalformedRow, issue.Reason);
        Assert.Null(issue.Field);
        Assert.StartsWith("Line 2:", issue.Message);
        Assert.Contains("2 fields but the header has 3", issue.Message);
        Assert.Equal(SourceValueKind.Null, result.Records[0].Values[2].Kind);
        Assert.Null(result.Records[1].Issue);
    }

    [Fact]
    public void A_long_row_is_fine_when_the_extra_cells_are_blank_and_malformed_when_they_hold_data()
    {
        ReadResult result = Read("email,name\na@x.com,Ann,\nb@x.com,Bo, ,\t\nc@x.com,Cy,Lee\n", EmailName);

        Assert.Null(result.Records[0].Issue);
        Assert.Null(result.Records[1].Issue);
        Assert.Equal(RejectReason.MalformedRow, result.Records[2].Issue!.Reason);
        Assert.StartsWith("Line 4:", result.Records[2].Issue!.Message);
    }

    [Fact]
    public void Text_after_a_closing_quote_in_a_column_the_export_reads_is_malformed()
    {
        ReadResult result = Read("email,name,note\na@x.com,\"32\" TV\",x\nb@x.com,Bo,\"5\" wide\"\n", EmailName);

        ProfileIssue issue = result.Records[0].Issue!;
        Assert.Equal(RejectReason.MalformedRow, issue.Reason);
        Assert.StartsWith("Line 2:", issue.Message);
        Assert.Contains("'name'", issue.Message);

        // The same problem in a column the export does not read changes nothing it reads.
        Assert.Null(result.Records[1].Issue);
    }

    [Fact]
    public void A_quote_inside_an_unquoted_value_is_data_but_a_space_before_an_opening_quote_is_malformed()
    {
        ReadResult result = Read("email,name\na@x.com,Ann \"Annie\" Lee\nb@x.com, \"Bo\"\n", EmailName);

        Assert.Null(result.Records[0].Issue);
        Assert.Equal("Ann \"Annie\" Lee", result.Records[0][1]);
        Assert.Equal(RejectReason.MalformedRow, result.Records[1].Issue!.Reason);
    }

    [Fact]
    public void An_unclosed_quote_makes_one_malformed_record_from_its_line_on_and_loses_nothing_before()
    {
        ReadResult result = Read("email,name\na@x.com,Ann\nb@x.com,\"Bo\nc@x.com,Cy\nd@x.com,Di\n", EmailName);

        Assert.Equal(2, result.Records.Count);
        Assert.Null(result.Records[0].Issue);
        ProfileIssue issue = result.Records[1].Issue!;
        Assert.Equal(RejectReason.MalformedRow, issue.Reason);
        Assert.StartsWith("Line 3:", issue.Message);
        Assert.Contains("not closed", issue.Message);
    }

    [Fact]
    public void A_value_running_past_the_size_limit_fails_the_file_with_its_line()
    {
        var text = new StringBuilder("email,name\na@x.com,Ann\nb@x.com,\"");
        text.Append('x', CsvProfileReader.MaxValueLength + 10);

        using CsvProfileReader reader = CsvProfileReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), "big.csv", EmailName, new[] { "email" });
        var record = new ProfileRecord(2);
        Assert.True(reader.Read(record));

        CsvSourceException e = Assert.Throws<CsvSourceException>(() => reader.Read(record));
        Assert.Equal(CsvSourceProblem.FieldTooLarge, e.Problem);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("'big.csv'", e.Message);
        Assert.False(reader.Read(record));
    }

    [Fact]
    public void A_nul_in_a_column_the_export_reads_is_invalid_characters_elsewhere_it_is_ignored()
    {
        ReadResult result = Read("email,name,note\na@x.com,A\0n,x\nb@x.com,Bo,\0\n", EmailName);

        ProfileIssue issue = result.Records[0].Issue!;
        Assert.Equal(RejectReason.InvalidCharacters, issue.Reason);
        Assert.Equal("name", issue.Field);
        Assert.StartsWith("Line 2:", issue.Message);
        Assert.Null(result.Records[1].Issue);
    }

    // ---- Mechanics ----

    [Fact]
    public void A_reused_record_is_fully_overwritten()
    {
        using CsvProfileReader reader = CsvProfileReader.Open(new MemoryStream(Encoding.UTF8.GetBytes("email,name\na@x.com\nb@x.com,Bo\n")), "s.csv", EmailName, new[] { "email" });
        var record = new ProfileRecord(2) { Original = new object() };

        Assert.True(reader.Read(record));
        Assert.NotNull(record.ReadIssue);
        Assert.True(reader.Read(record));
        Assert.Null(record.ReadIssue);
        Assert.Null(record.Original);
        Assert.Equal("s.csv", record.SourceName);
        Assert.Equal(new[] { "b@x.com", "Bo" }, record.Values.Select(v => v.Text));
        Assert.False(reader.Read(record));
        Assert.False(reader.Read(record));
    }

    [Fact]
    public void A_record_of_the_wrong_width_is_refused()
    {
        using CsvProfileReader reader = CsvProfileReader.Open(new MemoryStream(Encoding.UTF8.GetBytes("email,name\na@x.com,Ann\n")), "s.csv", EmailName, new[] { "email" });

        Assert.Throws<ArgumentException>(() => reader.Read(new ProfileRecord(3)));
    }

    [Fact]
    public void BytesRead_reaches_the_file_length_and_the_stream_is_disposed()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("email,name\n" + string.Concat(Enumerable.Range(0, 20000).Select(i => $"u{i}@x.com,N{i}\n")));
        var stream = new MemoryStream(bytes);
        long progress;
        int count;
        using (CsvProfileReader reader = CsvProfileReader.Open(stream, "s.csv", EmailName, new[] { "email" }))
        {
            Assert.True(reader.BytesRead < bytes.Length);
            count = ReadAll(reader, 2).Records.Count;
            progress = reader.BytesRead;
        }

        Assert.Equal(20000, count);
        Assert.Equal(bytes.Length, progress);
        Assert.False(stream.CanRead);
    }

    [Fact]
    public void The_stream_is_disposed_when_opening_fails()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("name\nAnn\n"));

        Assert.Throws<CsvSourceException>(() => CsvProfileReader.Open(stream, "s.csv", EmailName, new[] { "email" }));
        Assert.False(stream.CanRead);
    }

    private static byte[] Concat(params object[] parts) =>
        parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p).ToArray();
}
