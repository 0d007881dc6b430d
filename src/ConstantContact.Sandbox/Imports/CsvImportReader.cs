using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace ConstantContact.Sandbox.Imports;

/// <summary>
/// Reads contacts_file_import CSV files: a header of import keys, then one contact a line. Past 4 MB only the
/// whole lines within the first 4 MB count, and lines past the 40,000th (header included) are not processed.
/// </summary>
public static class CsvImportReader
{
    /// <summary>The part of the file that is processed: cut after the last line break within the first 4 MB.</summary>
    public static ReadOnlyMemory<byte> Cut(byte[] file)
    {
        if (file.Length <= ImportLimits.BodyBytes)
        {
            return file;
        }

        var lastBreak = Array.LastIndexOf(file, (byte)'\n', ImportLimits.BodyBytes - 1);
        return lastBreak < 0 ? ReadOnlyMemory<byte>.Empty : file.AsMemory(0, lastBreak + 1);
    }

    /// <summary>The header's keys; null when the file has no header line.</summary>
    public static string[]? ReadHeader(ReadOnlyMemory<byte> file)
    {
        using var csv = Open(file);
        return csv.Read() ? csv.Parser.Record?.Select(h => h.Trim()).ToArray() : null;
    }

    public static List<ImportRow> ReadRows(ReadOnlyMemory<byte> file)
    {
        var rows = new List<ImportRow>();
        using var csv = Open(file);
        if (!csv.Read() || csv.Parser.Record is not { } header)
        {
            return rows;
        }

        var keys = header.Select(h => h.Trim()).ToArray();
        while (rows.Count < ImportLimits.MaxCsvLines - 1 && csv.Read())
        {
            var record = csv.Parser.Record!;
            if (record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var row = new ImportRow();
            for (var i = 0; i < keys.Length && i < record.Length; i++)
            {
                RowValues.Set(row, keys[i], record[i]);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static CsvReader Open(ReadOnlyMemory<byte> file)
    {
        var text = new StreamReader(new MemoryStream(file.ToArray(), writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
        };
        return new CsvReader(text, configuration);
    }
}
