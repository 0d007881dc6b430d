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
