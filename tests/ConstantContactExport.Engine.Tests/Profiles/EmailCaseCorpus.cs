using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;

namespace ConstantContactExport.Engine.Tests.Profiles;

/// <summary>One row of shared/data/email-cases/email_cases.tsv, unescaped.</summary>
/// <param name="Line">The line in the file (the header is line 1).</param>
/// <param name="Address">The address, with the file's escapes undone.</param>
/// <param name="ExpectedValid">The corpus verdict.</param>
/// <param name="Tag">How settled the verdict is: CONSENSUS, RFC-ONLY or CONTESTED.</param>
/// <param name="Note">The whole note column, unescaped.</param>
public sealed record EmailCase(int Line, string Address, bool ExpectedValid, string Tag, string Note)
{
    public override string ToString() => $"line {Line}: {EmailCaseCorpus.Show(Address)} (corpus: {(ExpectedValid ? "valid" : "invalid")}, {Tag})";
}

/// <summary>
/// The shared corpus of email cases. It lives beside the repository (../shared), never inside it, so it is
/// found from the repository root: the folder that holds ConstantContactExport.sln.
/// </summary>
public static class EmailCaseCorpus
{
    public const string Consensus = "CONSENSUS";
    public const string RfcOnly = "RFC-ONLY";
    public const string Contested = "CONTESTED";

    private static readonly Lazy<IReadOnlyList<EmailCase>> LazyCases = new(Load);

    public static IReadOnlyList<EmailCase> Cases => LazyCases.Value;

    public static string FilePath => Path.GetFullPath(
        Path.Combine(FindRepositoryRoot(), "..", "shared", "data", "email-cases", "email_cases.tsv"));

    /// <summary>The file's escapes: \\ \t \n \r and \xNN.</summary>
    public static string Unescape(string text)
    {
        if (text.IndexOf('\\') < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            if (i + 1 >= text.Length)
            {
                throw new FormatException($"A lone backslash ends '{text}'.");
            }

            char escape = text[++i];
            switch (escape)
            {
                case '\\': result.Append('\\'); break;
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 'x':
                    result.Append((char)int.Parse(text.Substring(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default:
                    throw new FormatException($"Unknown escape '\\{escape}' in '{text}'.");
            }
        }

        return result.ToString();
    }

    /// <summary>An address for a failure message: invisible and non-ASCII characters as \uXXXX.</summary>
    public static string Show(string? address)
    {
        if (address is null)
        {
            return "(null)";
        }

        var result = new StringBuilder("\"");
        foreach (char c in address)
        {
            result.Append(c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return result.Append('"').ToString();
    }

    private static IReadOnlyList<EmailCase> Load()
    {
        string path = FilePath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The email case corpus is not at {path}. The repository expects a copy of shared/ beside it (../shared/data/email-cases).", path);
        }

        string[] lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        var cases = new List<EmailCase>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 && i == lines.Length - 1)
            {
                break;
            }

            string[] columns = lines[i].Split('\t');
            if (columns.Length != 4 || (columns[1] != "valid" && columns[1] != "invalid"))
            {
                throw new FormatException($"{path}, line {i + 1}: expected 'address, expected, source, note'.");
            }

            string note = Unescape(columns[3]);
            string tag = note.Split(' ')[0];
            cases.Add(new EmailCase(i + 1, Unescape(columns[0]), columns[1] == "valid", tag, note));
        }

        return cases;
    }

    private static string FindRepositoryRoot()
    {
        // The test assembly may be built outside the repository ($CCE_ARTIFACTS), so this source file's own
        // path, recorded at compile time, is the second place to start from.
        foreach (string start in new[] { AppContext.BaseDirectory, SourceDirectory() })
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "ConstantContactExport.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} or {SourceDirectory()} holds ConstantContactExport.sln.");
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? ".";

    public static IEnumerable<EmailCase> Tagged(string tag) => Cases.Where(c => c.Tag == tag);
}
