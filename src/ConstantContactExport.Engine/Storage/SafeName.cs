using System;
using System.Linq;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// Connection and export names become file names, so a name must be one that no file system reads as
/// anything else: no path separators or "..", no characters Windows forbids, not a reserved device name
/// (CON, NUL, COM1...), not empty, no leading or trailing space or dot, at most 64 characters. Nor a character
/// that cannot be seen or that changes how the others show (control and format characters such as a zero-width space
/// or a right-to-left override, line and paragraph separators, spaces other than the plain one, surrogates, private
/// use and unassigned code points): 'x\u200B' or 'x\u202Egnp.exe' would look like another name than they are.
/// </summary>
public static class SafeName
{
    public const int MaxLength = 64;

    private static readonly string[] Reserved =
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    private static readonly char[] Forbidden = { '<', '>', ':', '"', '/', '\\', '|', '?', '*' };

    /// <summary>Null when the name is safe; else why not, as a sentence.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "The name is empty.";
        }

        if (name!.Length > MaxLength)
        {
            return $"The name is {name.Length} characters; at most {MaxLength}.";
        }

        if (name.Trim() != name || name.EndsWith(".", StringComparison.Ordinal) || name.StartsWith(".", StringComparison.Ordinal))
        {
            return "The name starts or ends with a space or a dot.";
        }

        if (name.Any(c => char.IsControl(c) || Array.IndexOf(Forbidden, c) >= 0))
        {
            return "The name holds a character that a file name cannot: one of < > : \" / \\ | ? * or a control character.";
        }

        int invisible = Profiles.TextChecks.FindInvisible(name);
        if (invisible >= 0)
        {
            int codePoint = char.IsSurrogatePair(name, invisible) ? char.ConvertToUtf32(name, invisible) : name[invisible];
            return $"The name holds an invisible or formatting character (U+{codePoint:X4}), which would make it look like another name.";
        }

        string stem = name.Split('.')[0];
        if (Reserved.Any(r => string.Equals(r, stem, StringComparison.OrdinalIgnoreCase)))
        {
            return $"'{stem}' is a device name on Windows.";
        }

        return null;
    }

    /// <summary>
    /// Null when a wildcard pattern (Get-CCExportRun -Name, Get-CCExport -Name) could only match safe names; else why
    /// not. Its wildcard characters count as letters, so '../x' or 'x\u200B*' is refused where '*' is not.
    /// </summary>
    public static string? PatternProblem(string? pattern) =>
        string.IsNullOrEmpty(pattern) ? Problem(pattern) : Problem(pattern!.Replace('*', 'x').Replace('?', 'x'));

    /// <summary>Throws an ArgumentException naming the problem, or returns the name.</summary>
    public static string Check(string? name, string what)
    {
        string? problem = Problem(name);
        if (problem is not null)
        {
            throw Unusable(name, what, problem);
        }

        return name!;
    }

    /// <summary>The error for a name (or pattern) that <see cref="Problem"/> or <see cref="PatternProblem"/> refused, the name shown printable.</summary>
    public static ArgumentException Unusable(string? name, string what, string problem) =>
        new($"'{Profiles.TextChecks.Printable(name ?? string.Empty)}' is not a usable {what} name: {problem}");

    /// <summary>
    /// The file-name form of a safe name, the same for every spelling that names compare equal under
    /// (<see cref="StringComparer.OrdinalIgnoreCase"/>, which upper-cases): upper-cased first, so that final and medial
    /// sigma, micro and mu, long s and s meet, then lower-cased (the folders and locks that exist are lower case).
    /// </summary>
    /// <exception cref="ArgumentException">The name is not safe (<see cref="Check"/>).</exception>
    public static string FileKey(string? name, string what) => Check(name, what).ToUpperInvariant().ToLowerInvariant();
}
