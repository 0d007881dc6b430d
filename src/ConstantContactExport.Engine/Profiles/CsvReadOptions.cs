using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>Overrides for what <see cref="CsvProfileReader"/> would otherwise detect.</summary>
public sealed class CsvReadOptions
{
    /// <summary>
    /// The file's encoding, like <c>Import-Csv -Encoding</c>: used for files without a byte order mark.
    /// A byte order mark still wins (as it does for Import-Csv), because it cannot be wrong about itself.
    /// </summary>
    public Encoding? Encoding { get; init; }

    /// <summary>The field delimiter (one or more characters), instead of sniffing it from the first lines.</summary>
    public string? Delimiter { get; init; }

    /// <summary>
    /// The column names, like <c>Import-Csv -Header</c>: the file has no header row, and its first line is a record.
    /// </summary>
    public IReadOnlyList<string>? Header { get; init; }

    /// <summary>An encoding by the names Import-Csv takes (utf8, unicode, latin1...), a code page number or a web name.</summary>
    /// <exception cref="ArgumentException">No encoding of that name is known on this system.</exception>
    public static Encoding ParseEncoding(string name)
    {
        try
        {
            return name.Trim().ToLowerInvariant() switch
            {
                "utf8" or "utf-8" or "utf8bom" or "utf8nobom" => new UTF8Encoding(false, true),
                "unicode" or "utf-16" or "utf16" => Encoding.Unicode,
                "bigendianunicode" => Encoding.BigEndianUnicode,
                "utf32" => Encoding.UTF32,
                "latin1" => Encoding.GetEncoding("iso-8859-1"),
                "ascii" => Encoding.ASCII,
                _ => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int codePage) ? Encoding.GetEncoding(codePage) : Encoding.GetEncoding(name.Trim()),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"'{name}' is not an encoding this system knows (for example utf8, unicode, latin1, or a code page number).", ex);
        }
    }

    /// <summary>Checks a delimiter and a header as <see cref="CsvProfileReader"/> would, before any file is opened.</summary>
    /// <exception cref="ArgumentException">A delimiter that is a quote or a line break; an empty or repeated column name.</exception>
    public void Validate()
    {
        if (Delimiter is not null && (Delimiter.Length == 0 || Delimiter.IndexOfAny(new[] { '"', '\r', '\n' }) >= 0))
        {
            throw new ArgumentException("A delimiter must be one or more characters other than a quote or a line break.");
        }

        if (Header is null)
        {
            return;
        }

        if (Header.Count == 0)
        {
            throw new ArgumentException("-Header names no column.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string? name in Header)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("-Header has an empty column name.");
            }

            if (!seen.Add(name!.Trim()))
            {
                throw new ArgumentException($"-Header names the column '{name.Trim()}' twice.");
            }
        }
    }
}
