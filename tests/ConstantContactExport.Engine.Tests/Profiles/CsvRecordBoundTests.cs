using System;
using System.IO;
using System.Linq;
using System.Text;
using ConstantContactExport.Engine.Profiles;
using CsCheck;

namespace ConstantContactExport.Engine.Tests.Profiles;

/// <summary>
/// The bound decides whether a run may send while it stages (only when the files cannot hold more than
/// MaxProfiles), so it must never be below what the reader finds.
/// </summary>
public sealed class CsvRecordBoundTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("Email", 0)]
    [InlineData("Email\n", 0)]
    [InlineData("Email\na@x.org", 1)]
    [InlineData("Email\na@x.org\n", 1)]
    [InlineData("Email\r\na@x.org\r\nb@x.org\r\n", 2)]
    [InlineData("Email\ra@x.org\rb@x.org", 2)]
    [InlineData("Email\n\n\na@x.org\n", 3)]
    [InlineData("Email,Note\na@x.org,\"two\r\nlines\"\n", 2)]
    public void Counts_the_lines_after_the_header(string text, long expected)
    {
        Assert.Equal(expected, CsvRecordBound.OfStream(new MemoryStream(Encoding.UTF8.GetBytes(text))));
    }

    [Fact]
    public void A_CR_LF_split_across_two_reads_counts_once()
    {
        // The stream is read 64 KiB at a time: put a CR as the last byte of the first read.
        var text = new StringBuilder("Email\n");
        text.Append('x', 65536 - text.Length - 1).Append("\r\n").Append("a@x.org\r\n");
        Assert.Equal(2, CsvRecordBound.OfStream(new MemoryStream(Encoding.ASCII.GetBytes(text.ToString()))));
    }

    [Fact]
    public void Several_files_add_up_and_an_unreadable_one_counts_none()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("a.csv"), "Email\na@x.org\nb@x.org\n");
        File.WriteAllText(temp.File("b.csv"), "Email\r\nc@x.org");
        Assert.Equal(3, CsvRecordBound.Of(new[] { temp.File("a.csv"), temp.File("b.csv"), temp.File("gone.csv") }));
    }

    [Fact]
    public void A_quote_never_closed_fails_naming_the_line_it_opened_on_over_many_lines_or_to_the_end()
    {
        using var temp = new TempFolder();
        string many = temp.File("many.csv");
        File.WriteAllText(many, "Email,Note\na@x.org,ok\nb@x.org,\"Oops\n" + string.Concat(Enumerable.Range(0, 150).Select(i => $"p{i}@x.org,n\n")) + "z@x.org,\"closed at last\"\n");
        var ex = Assert.Throws<CsvSourceException>(() => CsvRecordBound.Of(new[] { many }, failOnUnclosedQuote: true));
        Assert.Equal(CsvSourceProblem.UnclosedQuote, ex.Problem);
        Assert.Contains("on line 3 is never closed", ex.Message);
        Assert.Contains("more than 100 lines", ex.Message);

        string toEnd = temp.File("to-end.csv");
        File.WriteAllText(toEnd, "Email,Note\r\na@x.org,\"Oops\r\nb@x.org,n\r\nc@x.org,n\r\n");
        ex = Assert.Throws<CsvSourceException>(() => CsvRecordBound.Of(new[] { toEnd }, failOnUnclosedQuote: true));
        Assert.Contains("on line 2 is never closed", ex.Message);
        Assert.Contains("to the end of the file", ex.Message);

        // Without the check the bound is still a bound.
        Assert.Equal(3, CsvRecordBound.Of(new[] { toEnd }));
    }

    [Theory]
    [InlineData("a@x.org,\"two\nlines\"\n")]
    [InlineData("a@x.org,\"say \"\"hi\"\"\nthere\"\n")]
    [InlineData("a@x.org,5\" screen\n")]
    [InlineData("a@x.org,\"\"\n")]
    [InlineData("a@x.org,\"ends with a quote\"\"\"\n")]
    [InlineData("a@x.org;\"semi\ncolon\"\n")]
    [InlineData("a@x.org,\"last value, closed at the very end\"")]
    public void Quoted_values_that_close_and_stray_quotes_inside_a_value_pass(string row)
    {
        using var temp = new TempFolder();
        string file = temp.File("fine.csv");
        File.WriteAllText(file, "Email,Note\n" + string.Concat(Enumerable.Repeat(row, 300)));
        Assert.Equal(CsvRecordBound.Of(new[] { file }), CsvRecordBound.Of(new[] { file }, failOnUnclosedQuote: true));
    }

    [Fact]
    public void A_quoted_value_split_across_two_reads_is_followed()
    {
        // The stream is read 64 KiB at a time: a doubled quote, then a closing quote, as the last byte of the first read.
        using var temp = new TempFolder();
        foreach (string tail in new[] { "\"\"", "\"" })
        {
            var text = new StringBuilder("Email,Note\na@x.org,\"");
            text.Append('x', 65536 - text.Length - 1).Append(tail);
            text.Append(tail == "\"" ? "\n" : "still inside\"\n");
            text.Append(string.Concat(Enumerable.Range(0, 200).Select(i => $"p{i}@x.org,n\n")));
            string file = temp.File($"split{tail.Length}.csv");
            File.WriteAllText(file, text.ToString());
            Assert.Equal(201, CsvRecordBound.Of(new[] { file }, failOnUnclosedQuote: true));
        }
    }

    [Fact]
    public void Is_never_below_the_records_the_reader_finds_in_any_csv_sample()
    {
        string[] files = Directory.GetFiles(CsvSamples.Folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && !f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.NotEmpty(files);
        int checkedFiles = 0;
        foreach (string file in files)
        {
            ReadResult read;
            try
            {
                read = CsvReading.ReadFile(file, new[] { "x" });
            }
            catch (CsvSourceException)
            {
                continue; // not a CSV file the reader takes (binary, empty): the staging reads none of it
            }

            long bound = CsvRecordBound.OfFile(file);
            Assert.True(bound >= read.Records.Count, $"{file}: bound {bound}, {read.Records.Count} records");
            checkedFiles++;
        }

        Assert.True(checkedFiles > 30, $"{checkedFiles} files checked");
    }

    [Fact]
    public void Is_never_below_the_records_the_reader_finds_in_generated_files()
    {
        Gen<string> field = Gen.Frequency(
            (6, Gen.OneOfConst("a@x.org", "Ada", "", "Zoë", "東京")),
            (2, Gen.OneOfConst("\"two\nlines\"", "\"cr\rinside\"", "\"crlf\r\ninside\"", "\"say \"\"hi\"\"\"")),
            (1, Gen.OneOfConst("bad\"quote", "\"unclosed")));
        Gen<string> lineEnd = Gen.OneOfConst("\n", "\r\n", "\r", "\n\n", "\r\n\r\n");
        Gen<string> file = Gen.Select(field.Array[1, 4], lineEnd).Array[0, 40]
            .Select(rows => "Email,Name,Note" + "\r\n" + string.Concat(rows.Select(r => string.Join(",", r.Item1) + r.Item2)));
        file.Sample(text =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            ReadResult read = CsvReading.Read(bytes, new[] { "Email" });
            long bound = CsvRecordBound.OfStream(new MemoryStream(bytes));
            Assert.True(bound >= read.Records.Count, $"bound {bound}, {read.Records.Count} records");
        });
    }
}
