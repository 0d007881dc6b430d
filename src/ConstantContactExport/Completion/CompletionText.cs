using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ConstantContactExport.Completion;

/// <summary>
/// What every completer here shares: turns the names a completer knows into completion results for the word
/// typed so far (a prefix or a wildcard, quoted or not), and quotes a name that the parser would split.
/// </summary>
internal static class CompletionText
{
    // PowerShell also reads the typographic quotes as quotes (U+2018-U+201B single, U+201C-U+201E double) and the
    // typographic dashes as a parameter's dash (U+2013-U+2015): a name holding one is quoted, and its quotes doubled.
    private const string NeedsQuotes = " \t'\"`$@{}()[];,|&<>#\u2018\u2019\u201A\u201B\u201C\u201D\u201E";
    private const string Dashes = "-\u2013\u2014\u2015";

    /// <summary>
    /// The names that match <paramref name="wordToComplete"/>, in the order given, as completion results; with
    /// <paramref name="asPattern"/>, for a parameter that takes wildcards, each name is offered escaped so that it names itself only.
    /// </summary>
    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> names, string? wordToComplete, string toolTipPrefix, bool asPattern = false)
    {
        string word = wordToComplete ?? string.Empty;
        char quote = word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word[0] : '\0';
        if (quote != '\0')
        {
            word = word.Substring(1);
            if (word.Length > 0 && word[word.Length - 1] == quote)
            {
                word = word.Substring(0, word.Length - 1);
            }
        }

        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        foreach (string name in names.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (pattern.IsMatch(name))
            {
                yield return new CompletionResult(Quote(asPattern ? WildcardPattern.Escape(name) : name, quote), name, CompletionResultType.ParameterValue, toolTipPrefix + name);
            }
        }
    }

    /// <summary>The value of a parameter the user has typed already, as a string (a name, or the Name of an object).</summary>
    public static string? BoundName(IDictionary? fakeBoundParameters, string parameterName)
    {
        if (fakeBoundParameters is null || !fakeBoundParameters.Contains(parameterName))
        {
            return null;
        }

        object? value = fakeBoundParameters[parameterName];
        if (value is object[] { Length: 1 } one)
        {
            value = one[0];
        }

        // Keep the PSObject: a PSCustomObject's Name is a note property that only its wrapper has.
        PSObject? wrapped = value as PSObject;
        object? unwrapped = wrapped?.BaseObject ?? value;
        return unwrapped switch
        {
            null => null,
            string text => text,
            _ => (wrapped ?? PSObject.AsPSObject(unwrapped)).Properties["Name"]?.Value as string,
        };
    }

    private static string Quote(string name, char quote)
    {
        if (quote == '"')
        {
            var escaped = new System.Text.StringBuilder(name.Length + 2).Append('"');
            foreach (char c in name)
            {
                // A backtick before each character the parser would take for the string's end or an expansion.
                if (c is '`' or '$' or '"' or '\u201C' or '\u201D' or '\u201E')
                {
                    escaped.Append('`');
                }

                escaped.Append(c);
            }

            return escaped.Append('"').ToString();
        }

        bool needs = quote == '\'' || name.IndexOfAny(NeedsQuotes.ToCharArray()) >= 0 || (name.Length > 0 && Dashes.IndexOf(name[0]) >= 0);
        return needs ? "'" + CodeGeneration.EscapeSingleQuotedStringContent(name) + "'" : name;
    }
}
