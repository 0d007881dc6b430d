using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace ConstantContact.Sandbox.Paging;

/// <summary>
/// Cursor paging as Constant Contact does it: <c>_links.next.href</c> carries only an opaque <c>cursor</c>
/// that encodes the original filters, the limit and where the next page starts.
/// </summary>
public static class PageCursor
{
    public const string NextKey = "next";

    public static string Href(string path, IReadOnlyDictionary<string, string> parameters, int next)
    {
        var all = parameters.Where(p => p.Key != NextKey).Append(new KeyValuePair<string, string>(NextKey, next.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var query = string.Join("&", all.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        return $"{path}?cursor={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(query))}";
    }

    /// <summary>
    /// The request's parameters: from its cursor when it has one (other parameters are then ignored), else from
    /// its query string. Null when the cursor cannot be read.
    /// </summary>
    public static Dictionary<string, string>? Parameters(HttpRequest request)
    {
        var cursor = request.Query["cursor"].ToString();
        if (cursor.Length == 0)
        {
            return request.Query.Where(p => p.Key != NextKey).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        }

        try
        {
            var query = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(cursor));
            return QueryHelpers.ParseQuery(query).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The position the page starts at: 0 without a cursor.</summary>
    public static int Start(IReadOnlyDictionary<string, string> parameters) =>
        parameters.TryGetValue(NextKey, out var next) && int.TryParse(next, out var n) && n >= 0 ? n : 0;
}
