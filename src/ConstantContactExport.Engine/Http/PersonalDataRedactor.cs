using System.Text.RegularExpressions;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// Takes what may be personal data out of text a server wrote, before it reaches a message, a log line or the
/// journal: a server that echoes the request (a 400 quoting the body, an activity error naming the contact)
/// would otherwise put addresses and names there. Addresses, quoted values and JSON fragments become
/// placeholders, and an HTML page is named, not copied; the words around them stay, since a person needs them.
/// </summary>
public static class PersonalDataRedactor
{
    public const string Address = "[address]";
    public const string Value = "[value]";
    public const string Body = "[request body]";

    private static readonly Regex JsonFragment = new(@"\{[^\r\n]*\}", RegexOptions.CultureInvariant);

    private static readonly Regex Quoted = new("\"[^\"]*\"|'[^']*'|\u201C[^\u201D]*\u201D|\u2018[^\u2019]*\u2019", RegexOptions.CultureInvariant);

    private static readonly Regex EmailLike = new(@"[^\s@""'<>(),;:\[\]{}]+@[^\s@""'<>(),;:\[\]{}]+", RegexOptions.CultureInvariant);

    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        string trimmed = text.TrimStart();
        if (trimmed.StartsWith("<", System.StringComparison.Ordinal))
        {
            return "(an HTML or XML page, not shown)";
        }

        text = JsonFragment.Replace(text, Body);
        text = Quoted.Replace(text, Value);
        return EmailLike.Replace(text, Address);
    }
}
