using System;
using System.Globalization;
using System.IO;
using System.Text;
using ConstantContactExport.Engine.Storage;
using CsvHelper;
using CsvHelper.Configuration;

namespace ConstantContactExport.Engine.Staging;

/// <summary>
/// Writes the reject report: one CSV row per Invalid profile with its reason and field. Profile data can hold
/// anything, so a cell that a spreadsheet would run as a formula (one starting with =, +, -, @, tab or CR) is
/// escaped with a leading apostrophe, as CsvHelper's injection protection does.
/// </summary>
public sealed class RejectReportWriter : IDisposable
{
    public static readonly string[] Columns = { "RecordNumber", "Line", "Source", "Email", "Reason", "Field", "Message" };

    private static readonly char[] LineBreaks = { '\r', '\n' };

    private readonly CsvWriter csv;

    public RejectReportWriter(string path)
        : this(new StreamWriter(PrivateFiles.Create(path, FileShare.Read), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
    {
        Path = path;
    }

    /// <param name="writer">Owned: disposed with this writer.</param>
    public RejectReportWriter(TextWriter writer)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            InjectionOptions = InjectionOptions.Escape,
            InjectionCharacters = new[] { '=', '@', '+', '-', '\t', '\r' },
            InjectionEscapeCharacter = '\'',
            NewLine = "\r\n",

            // CsvHelper quotes the configured line end but not a lone LF; written bare it would split the row, and the
            // row it starts would begin with a cell the formula check never saw (a file name can hold anything).
            ShouldQuote = args => ConfigurationFunctions.ShouldQuote(args) || (args.Field?.IndexOfAny(LineBreaks) ?? -1) >= 0,
        };
        csv = new CsvWriter(writer, config);
        foreach (string column in Columns)
        {
            csv.WriteField(column);
        }

        csv.NextRecord();
    }

    public string? Path { get; }

    public long Count { get; private set; }

    public void Write(RejectedProfile rejected)
    {
        csv.WriteField(rejected.RecordNumber.ToString(CultureInfo.InvariantCulture));
        csv.WriteField(rejected.LineNumber?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        csv.WriteField(rejected.Source);
        csv.WriteField(rejected.Email);
        csv.WriteField(rejected.Issue.Reason.ToString());
        csv.WriteField(rejected.Issue.Field ?? string.Empty);
        csv.WriteField(rejected.Issue.Message);
        csv.NextRecord();
        Count++;
    }

    public void Flush() => csv.Flush();

    public void Dispose() => csv.Dispose();
}
