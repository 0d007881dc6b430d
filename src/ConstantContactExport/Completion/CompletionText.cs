using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace ConstantContactExport.Completion;

/// <summary>
/// What every completer here shares: turns the names a completer knows into completion results for the word
/// typed so far (a prefix or a wildcard, quoted or not), and quotes a name that the parser would split.
/// </summary>
internal static class CompletionText
{
    private const string NeedsQuotes = " \t'\"`$@{}()[];,|&<>#";

    /// <summary>The names that match <paramref name="wordToComplete"/>, in the order given, as completion results.</summary>
    public static IEnumerable<CompletionResult> Complete(IEnumerable<string> names, string? wordToComplete, string toolTipPrefix)
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
                yield return new CompletionResult(Quote(name, quote), name, CompletionResultType.ParameterValue, toolTipPrefix + name);
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
            return "\"" + name.Replace("`", "``").Replace("$", "`$").Replace("\"", "`\"") + "\"";
        }

        bool needs = quote == '\'' || name.IndexOfAny(NeedsQuotes.ToCharArray()) >= 0 || name.StartsWith("-", StringComparison.Ordinal);
        return needs ? "'" + name.Replace("'", "''") + "'" : name;
    }
}
