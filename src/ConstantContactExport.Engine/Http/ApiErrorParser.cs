using System;
using System.Collections.Generic;
using System.Text.Json;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// Reads an error body in any of the shapes Constant Contact uses: an array of <c>{error_key, error_message}</c>
/// (the API's usual form), one such object (401 and the 429s), or OAuth's <c>{error, error_description}</c>
/// (the authorization server). Anything else becomes one error with the text (shortened) as its message.
/// </summary>
public static class ApiErrorParser
{
    private const int MaxMessageLength = 500;

    public static IReadOnlyList<ApiErrorDetail> Parse(string? body, string? reasonPhrase, params string?[] secrets)
    {
        var errors = new List<ApiErrorDetail>();
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(body!);
                JsonElement root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement item in root.EnumerateArray())
                    {
                        AddObject(errors, item, secrets);
                    }
                }
                else
                {
                    AddObject(errors, root, secrets);
                }
            }
            catch (JsonException)
            {
                errors.Add(new ApiErrorDetail(null, Clean(body!, secrets)));
            }
        }

        if (errors.Count == 0 && !string.IsNullOrWhiteSpace(reasonPhrase))
        {
            errors.Add(new ApiErrorDetail(null, reasonPhrase));
        }

        return errors;
    }

    private static void AddObject(List<ApiErrorDetail> errors, JsonElement item, string?[] secrets)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        string? key = Text(item, "error_key") ?? Text(item, "error") ?? Text(item, "errorCode");
        string? message = Text(item, "error_message") ?? Text(item, "error_description") ?? Text(item, "message") ?? Text(item, "errorSummary");
        if (key is not null || message is not null)
        {
            // Keys are codes to branch on: only token-like runs come out of them, never a known secret's letters.
            errors.Add(new ApiErrorDetail(key is null ? null : Clean(key, Array.Empty<string?>()), message is null ? null : Clean(message, secrets)));
        }
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Clean(string text, string?[] secrets)
    {
        text = SecretRedactor.Redact(PersonalDataRedactor.Redact(text.Trim()), secrets);
        return text.Length <= MaxMessageLength ? text : text.Substring(0, MaxMessageLength) + "...";
    }
}
