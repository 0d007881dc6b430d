using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace ConstantContactExport.Engine.Sending;

/// <summary>Reads activity bodies. activity_errors may be strings or {message} objects (the spec has both), so read loosely.</summary>
internal static class ActivityJson
{
    public static ActivityInfo Parse(JsonElement element)
    {
        var info = new ActivityInfo
        {
            ActivityId = String(element, "activity_id") ?? string.Empty,
            State = String(element, "state") ?? string.Empty,
            CreatedAt = Date(element, "created_at"),
            PercentDone = (int?)Number(element, "percent_done"),
            SourceFileName = String(element, "source_file_name"),
        };
        if (element.TryGetProperty("status", out JsonElement status) && status.ValueKind == JsonValueKind.Object)
        {
            info.ItemsTotalCount = Number(status, "items_total_count");
            info.PersonCount = Number(status, "person_count");
            info.ErrorCount = Number(status, "error_count");
            info.CorrectableCount = Number(status, "correctable_count");
            info.CannotAddToListCount = Number(status, "cannot_add_to_list_count");
            info.ListCount = Number(status, "list_count");
        }

        if (element.TryGetProperty("activity_errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement error in errors.EnumerateArray())
            {
                string? message = error.ValueKind switch
                {
                    JsonValueKind.String => error.GetString(),
                    JsonValueKind.Object => String(error, "message"),
                    _ => null,
                };
                if (!string.IsNullOrEmpty(message))
                {
                    info.Errors.Add(Http.PersonalDataRedactor.Redact(message!));
                }
            }
        }

        return info;
    }

    /// <summary>GET /activities answers an object with an "activities" array (or, defensively, a bare array).</summary>
    public static List<ActivityInfo> ParseList(JsonElement root)
    {
        JsonElement array = root.ValueKind == JsonValueKind.Array ? root
            : root.TryGetProperty("activities", out JsonElement a) ? a : default;
        var list = new List<ActivityInfo>();
        if (array.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in array.EnumerateArray())
            {
                list.Add(Parse(item));
            }
        }

        return list;
    }

    /// <summary>_links.next.href of a page, or null.</summary>
    public static string? NextHref(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("_links", out JsonElement links) && links.ValueKind == JsonValueKind.Object
        && links.TryGetProperty("next", out JsonElement next) && next.ValueKind == JsonValueKind.Object
            ? String(next, "href")
            : null;

    /// <summary>
    /// True when <paramref name="id"/> is an activity id as Constant Contact makes them (a UUID): an answer without
    /// one proves nothing.
    /// </summary>
    public static bool IsActivityId(string? id) => !string.IsNullOrWhiteSpace(id) && Guid.TryParse(id, out _);

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : null;

    private static DateTimeOffset? Date(JsonElement element, string name) =>
        String(element, name) is string text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at) ? at : null;
}
