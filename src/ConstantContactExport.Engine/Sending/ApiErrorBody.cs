using System.Text.Json;

namespace ConstantContactExport.Engine.Sending;

/// <summary>
/// The error_key of an error body, whether it came as one object ({error_key,error_message}: 401, 429) or
/// as an array of them (most others), or an OAuth {error,error_description}.
/// </summary>
internal static class ApiErrorBody
{
    public static (string? Key, string? Message) Read(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(body!);
            JsonElement root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in root.EnumerateArray())
                {
                    return FromObject(item);
                }

                return (null, null);
            }

            return FromObject(root);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static (string? Key, string? Message) FromObject(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        string? key = Text(element, "error_key") ?? Text(element, "error");
        string? message = Text(element, "error_message") ?? Text(element, "error_description");
        return (key, message);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
