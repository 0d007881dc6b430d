using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// The header row of a CSV file, and which column holds each source field. Names are trimmed and matched without
/// regard to case, like PowerShell property names. Fails the file, with a message naming it and the columns, when a
/// required field has no column or a field the export reads has more than one.
/// </summary>
internal sealed class CsvHeader
{
    private const int MaxColumnsInMessage = 20;

    private readonly string[] sourceFields;

    private CsvHeader(string[] names, int line, string[] sourceFields, int[] columnOfField, List<string> missingFields)
    {
        Names = names;
        Line = line;
        this.sourceFields = sourceFields;
        ColumnOfField = columnOfField;
        MissingFields = missingFields;
        ColumnIsRead = new bool[names.Length];
        foreach (int column in columnOfField)
        {
            if (column >= 0)
            {
                ColumnIsRead[column] = true;
            }
        }
    }

    /// <summary>Column names, trimmed, in file order; empty names included.</summary>
    public string[] Names { get; }

    /// <summary>The physical line the header starts on.</summary>
    public int Line { get; }

    /// <summary>For each source field, its column, or -1.</summary>
    public int[] ColumnOfField { get; }

    /// <summary>For each column, whether the export reads it.</summary>
    public bool[] ColumnIsRead { get; }

    /// <summary>Source fields that have no column (spelled as given).</summary>
    public List<string> MissingFields { get; }

    /// <param name="sourceName">The file, for messages.</param>
    /// <param name="names">The header cells, trimmed.</param>
    /// <param name="line">The line the header is on.</param>
    /// <param name="hasBadBytes">The header holds bytes that are not valid in the encoding (a hint for the message).</param>
    /// <param name="sourceFields">The fields the export reads, trimmed.</param>
    /// <param name="requiredFields">The fields that must have a column.</param>
    /// <param name="delimiter">The delimiter, for messages.</param>
    /// <param name="encoding">The encoding, for messages.</param>
    /// <exception cref="CsvSourceException">MissingColumns or DuplicateColumn.</exception>
    public static CsvHeader Map(string sourceName, string[] names, int line, bool hasBadBytes, string[] sourceFields, IReadOnlyCollection<string> requiredFields, string delimiter, Encoding encoding)
    {
        var missingRequired = new List<string>();
        foreach (string? required in requiredFields)
        {
            if (required is not null && FindColumns(names, required.Trim()).Count == 0)
            {
                missingRequired.Add(required.Trim());
            }
        }

        if (missingRequired.Count > 0)
        {
            throw new CsvSourceException(sourceName, CsvSourceProblem.MissingColumns, DescribeMissing(sourceName, names, line, hasBadBytes, missingRequired, delimiter, encoding), columns: missingRequired);
        }

        var columnOfField = new int[sourceFields.Length];
        var missingFields = new List<string>();
        for (int f = 0; f < sourceFields.Length; f++)
        {
            string field = sourceFields[f];
            List<int> found = FindColumns(names, field);
            if (found.Count > 1)
            {
                string columns = string.Join(", ", found.ConvertAll(c => (c + 1).ToString(CultureInfo.InvariantCulture)));
                throw new CsvSourceException(
                    sourceName,
                    CsvSourceProblem.DuplicateColumn,
                    $"Cannot read '{sourceName}': the column {Quote(field)} appears {found.Count} times in the header (columns {columns}), so it is unclear which to read. Rename or remove the extra ones.",
                    columns: new[] { field });
            }

            columnOfField[f] = found.Count == 1 ? found[0] : -1;
            if (found.Count == 0 && !missingFields.Exists(m => string.Equals(m, field, StringComparison.OrdinalIgnoreCase)))
            {
                missingFields.Add(field);
            }
        }

        return new CsvHeader(names, line, sourceFields, columnOfField, missingFields);
    }

    /// <summary>
    /// A column name quoted for a message, shortened so that a title row used as a header stays readable, and shown
    /// printable: a file's header is the file's text, and reaches a console or a log only escaped.
    /// </summary>
    public static string Quote(string name) => $"'{TextChecks.Printable(name.Length > 40 ? name.Substring(0, 40) + "..." : name, int.MaxValue)}'";

    /// <summary>The source field read from <paramref name="column"/> (as the export spells it), or null when the export does not read it.</summary>
    public string? FieldAt(int column)
    {
        for (int f = 0; f < ColumnOfField.Length; f++)
        {
            if (ColumnOfField[f] == column)
            {
                return sourceFields[f];
            }
        }

        return null;
    }

    /// <summary>The column's name for a message; extra cells beyond the header get their position.</summary>
    public string NameOf(int column) => column < Names.Length ? Names[column] : $"#{column + 1}";

    private static List<int> FindColumns(string[] names, string name)
    {
        var found = new List<int>();
        for (int i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                found.Add(i);
            }
        }

        return found;
    }

    private static string DescribeMissing(string sourceName, string[] names, int line, bool hasBadBytes, List<string> missing, string delimiter, Encoding encoding)
    {
        string columns = missing.Count == 1 ? $"no column {Quote(missing[0])}" : $"no columns {string.Join(", ", missing.ConvertAll(Quote))}";
        var message = new StringBuilder($"Cannot read '{sourceName}': it has {columns}, which the export requires. ");
        if (line > 0 && LooksLikeData(names))
        {
            // Its cells are probably a customer's address and name: never echoed into errors, run messages or the journal.
            message.Append($"Its first line (line {line}, split at {DescribeDelimiter(delimiter)}, {names.Length} column{(names.Length == 1 ? string.Empty : "s")}) looks like data, not a header: a value in it holds an email address or a long number. ");
            message.Append("If the file has no header line, give the column names with -Header; otherwise make the header its first line that is not blank.");
            return message.ToString();
        }

        message.Append(line == 0 ? "The -Header given" : $"Its header (line {line}, split at {DescribeDelimiter(delimiter)})");
        message.Append($" has {names.Length} column{(names.Length == 1 ? string.Empty : "s")}: ");
        for (int i = 0; i < names.Length && i < MaxColumnsInMessage; i++)
        {
            message.Append(i == 0 ? string.Empty : ", ").Append(Quote(names[i]));
        }

        message.Append(names.Length > MaxColumnsInMessage ? ", ..." : ".");

        // One hint, for the likeliest cause.
        if (line == 0)
        {
            message.Append(" Name the email column in -Header, or leave -Header out when the file's first line is its header.");
        }
        else if (hasBadBytes)
        {
            message.Append($" The header has bytes that are not valid {encoding.WebName.ToUpperInvariant()}: give the file's encoding with -Encoding, or save it as UTF-8.");
        }
        else if (names.Length == 1)
        {
            message.Append(" If the file uses another delimiter, give it with -Delimiter.");
        }
        else
        {
            message.Append(" The first line that is not blank must be the header: remove any title lines above it.");
        }

        return message.ToString();
    }

    /// <summary>True when a header's cells look like a profile's values (an address, a phone number), which a message must not quote.</summary>
    internal static bool LooksLikeData(string[] names)
    {
        foreach (string name in names)
        {
            if (name.IndexOf('@') >= 0)
            {
                return true;
            }

            int digits = 0;
            foreach (char c in name)
            {
                digits = char.IsDigit(c) ? digits + 1 : digits;
            }

            // A phone number: mostly digits (a title such as "sales 2000 to 2007" is mostly words).
            if (digits >= 7 && digits * 2 >= name.Length)
            {
                return true;
            }
        }

        return false;
    }

    private static string DescribeDelimiter(string delimiter) => delimiter switch
    {
        "," => "commas",
        ";" => "semicolons",
        "\t" => "tabs",
        "|" => "pipes",
        _ => $"'{delimiter}'",
    };
}
