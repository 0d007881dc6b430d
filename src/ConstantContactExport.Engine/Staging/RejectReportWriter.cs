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
/// anything, so a cell that a spreadsheet would run as a formula is escaped with a leading apostrophe
/// (<see cref="FormulaSafe"/>): one starting with =, +, -, @, tab, CR or LF, or with their full-width or small forms
/// (＝ ＋ － ＠, which spreadsheets may read as the ASCII ones) or the minus sign, also when spaces or invisible
/// characters (a BOM, a zero-width space, a bidirectional control) come before it.
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
            // One check for formulas, FormulaSafe, on every cell: CsvHelper's knows only the ASCII characters at the start.
            InjectionOptions = InjectionOptions.None,
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
        csv.WriteField(FormulaSafe(rejected.Source));
        csv.WriteField(FormulaSafe(rejected.Email));
        csv.WriteField(rejected.Issue.Reason.ToString());
        csv.WriteField(FormulaSafe(rejected.Issue.Field ?? string.Empty));
        csv.WriteField(FormulaSafe(rejected.Issue.Message));
        csv.NextRecord();
        Count++;
    }

    /// <summary>
    /// The cell with an apostrophe before it when a spreadsheet could take it for a formula: its first character that
    /// is not a space or invisible (<see cref="Profiles.TextChecks.IsInvisible"/>) is =, +, -, @ in any of their
    /// compatibility forms (what NFKC makes of full-width ＝ ＋ － ＠ and the small forms) or the minus sign U+2212,
    /// or a tab, CR or LF comes before any other character.
    /// </summary>
    public static string FormulaSafe(string cell)
    {
        for (int i = 0; i < cell.Length; i++)
        {
            char c = cell[i];
            if (c is '\t' or '\r' or '\n' || StartsFormula(c))
            {
                return "'" + cell;
            }

            if (c != ' ' && !Profiles.TextChecks.IsInvisible(cell, i))
            {
                return cell;
            }
        }

        return cell;
    }

    private static bool StartsFormula(char c)
    {
        if (c is '=' or '+' or '-' or '@' or '\u2212')
        {
            return true;
        }

        if (c < 0x80 || char.IsSurrogate(c))
        {
            return false;
        }

        try
        {
            string folded = c.ToString().Normalize(NormalizationForm.FormKC);
            return folded.Length == 1 && folded[0] is '=' or '+' or '-' or '@';
        }
        catch (ArgumentException)
        {
            return false; // a noncharacter (U+FFFF): nothing folds to it
        }
    }

    public void Flush() => csv.Flush();

    public void Dispose() => csv.Dispose();
}
