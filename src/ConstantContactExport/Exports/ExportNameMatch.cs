using System;
using System.Management.Automation;

namespace ConstantContactExport.Exports;

/// <summary>
/// An export name as Get-CCExport and Get-CCExportRun take it (-Name, with wildcards). A plain name matches as every
/// other cmdlet finds an export (ordinal, ignoring case; a wildcard's case-folding would also match a name that differs
/// by a character that lower-cases alike, such as the Kelvin sign), with its escapes (`[) undone. A name that holds [ or ]
/// (which Set-CCExport allows) also matches as it is written, so the cmdlets agree on it.
/// </summary>
internal sealed class ExportNameMatch
{
    private readonly WildcardPattern? wildcard;

    public ExportNameMatch(string pattern)
        : this(pattern, exactly: false)
    {
    }

    private ExportNameMatch(string pattern, bool exactly)
    {
        Written = pattern;
        IsPlain = exactly || !WildcardPattern.ContainsWildcardCharacters(pattern);
        Literal = IsPlain && !exactly ? WildcardPattern.Unescape(pattern) : pattern;
        wildcard = IsPlain ? null : WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
        if (wildcard is not null && !IsValidPattern(wildcard))
        {
            // 'sale[' (a name Set-CCExport allows) is no pattern at all: it is that name, as written.
            IsPlain = true;
            wildcard = null;
        }
    }

    /// <summary>An export's own name, piped in from an export or a run: that name only, never a pattern.</summary>
    public static ExportNameMatch Exactly(string name) => new(name, exactly: true);

    /// <summary>No wildcard: a name that matches nothing is an error (ExportNotFound), not an empty answer.</summary>
    public bool IsPlain { get; }

    /// <summary>The name as written, escapes undone for a plain one.</summary>
    public string Literal { get; }

    /// <summary>The name exactly as given: an export may be named 'x`[y' too, and is found by it.</summary>
    public string Written { get; }

    public bool Matches(string exportName) =>
        string.Equals(exportName, Literal, StringComparison.OrdinalIgnoreCase)
        || string.Equals(exportName, Written, StringComparison.OrdinalIgnoreCase)
        || (wildcard?.IsMatch(exportName) ?? false);

    private static bool IsValidPattern(WildcardPattern pattern)
    {
        try
        {
            pattern.IsMatch(string.Empty);
            return true;
        }
        catch (WildcardPatternException)
        {
            return false;
        }
    }
}
