using System.IO;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Staging;

namespace ConstantContactExport.Engine.Tests.Staging;

public sealed class RejectReportWriterTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+1+2")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1)")]
    [InlineData("\t=1")]
    [InlineData("\r=1")]
    public void Cells_a_spreadsheet_would_run_are_neutralized(string email)
    {
        var text = new StringWriter();
        using (var writer = new RejectReportWriter(text))
        {
            writer.Write(new RejectedProfile(1, 2, "file.csv", email, new ProfileIssue(RejectReason.EmailInvalid, "email", email)));
        }

        string row = text.ToString().Split("\r\n")[1];
        // Every cell that starts with a formula character is written with a leading apostrophe.
        Assert.DoesNotContain(",=", row);
        Assert.DoesNotContain(",+", row);
        Assert.DoesNotContain(",@", row);
        Assert.Contains("'" + email[0], row);
    }

    [Theory]
    [InlineData("\uFF1DHYPERLINK(\"http://x\")")] // full-width equals
    [InlineData("\uFF0B1\uFF0B2")] // full-width plus
    [InlineData("\uFF0D2+3")] // full-width minus
    [InlineData("\uFF20SUM(A1)")] // full-width at
    [InlineData("\u2212" + "2+3")] // minus sign
    [InlineData("\uFE62" + "1")] // small plus
    [InlineData("\uFEFF=1+1")] // a BOM before it
    [InlineData("\u200B=1+1")] // a zero-width space before it
    [InlineData("\u202E\u200B @SUM(A1)")] // a bidirectional control, a zero-width and a plain space before it
    [InlineData("\uFEFF\uFF1D1")] // both
    public void Formula_starts_in_other_widths_or_behind_invisible_characters_are_neutralized(string cell)
    {
        Assert.Equal("'" + cell, RejectReportWriter.FormulaSafe(cell));
        var text = new StringWriter();
        using (var writer = new RejectReportWriter(text))
        {
            writer.Write(new RejectedProfile(1, 2, cell, cell, new ProfileIssue(RejectReason.EmailInvalid, "email", cell)));
        }

        using var csv = new CsvHelper.CsvParser(new StringReader(text.ToString()), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(csv.Read());
        Assert.True(csv.Read());
        Assert.Equal("'" + cell, csv[2]);
        Assert.Equal("'" + cell, csv[3]);
        Assert.Equal("'" + cell, csv[6]);
    }

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("a-b@example.com")]
    [InlineData("\uFF21da")] // a full-width letter
    [InlineData("\u200Bada")] // invisible, then a letter: shown as it is
    [InlineData("12-34")]
    [InlineData("")]
    public void Cells_that_start_no_formula_are_written_as_they_are(string cell) =>
        Assert.Equal(cell, RejectReportWriter.FormulaSafe(cell));

    [Theory]
    [InlineData("/srv/drop/a\r=HYPERLINK(\"http://x\").csv")]
    [InlineData("/srv/drop/a\n+1+2.csv")]
    [InlineData("/srv/drop/a\r\n@SUM(A1).csv")]
    public void A_line_break_inside_a_cell_never_starts_a_row(string source)
    {
        // A lone CR or LF written bare splits the row for every reader, and what follows it starts a new row whose
        // first cell the formula check never saw. File names come from wherever the files came from.
        var text = new StringWriter();
        using (var writer = new RejectReportWriter(text))
        {
            writer.Write(new RejectedProfile(1, 2, source, "a@example.com", new ProfileIssue(RejectReason.MalformedRow, null, "Line 2: ragged")));
        }

        using var csv = new CsvHelper.CsvParser(new StringReader(text.ToString()), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(csv.Read());
        Assert.True(csv.Read());
        Assert.Equal(source, csv[2]);
        Assert.False(csv.Read());
    }

    [Fact]
    public void Header_names_the_columns()
    {
        var text = new StringWriter();
        using (new RejectReportWriter(text))
        {
        }

        Assert.Equal("RecordNumber,Line,Source,Email,Reason,Field,Message", text.ToString().TrimEnd());
    }
}
