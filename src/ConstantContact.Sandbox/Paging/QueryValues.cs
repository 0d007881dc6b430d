using System.Globalization;

namespace ConstantContact.Sandbox.Paging;

/// <summary>Reads typed query values; a bad one gives an error message rather than a default.</summary>
public static class QueryValues
{
    public static int Limit(IReadOnlyDictionary<string, string> parameters, int fallback, int max, out string? error)
    {
        error = null;
        if (!parameters.TryGetValue("limit", out var text) || text.Length == 0)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max)
        {
            return limit;
        }

        error = $"limit must be a whole number from 1 to {max}.";
        return fallback;
    }

    public static bool Flag(IReadOnlyDictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var text) && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase);

    public static string? Text(IReadOnlyDictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var text) && text.Length > 0 ? text : null;
}
