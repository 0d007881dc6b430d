using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// Which saved exports use a connection. Export definitions are JSON files under <see cref="StoragePaths.Exports"/>
/// with a "Connection" member; they are read loosely (any case, a name or an object with a Name, extra members
/// ignored) so that this keeps working as the export format grows.
/// </summary>
public static class ExportReferences
{
    /// <summary>The names of the exports that use <paramref name="connectionName"/>; unreadable files go to <paramref name="warn"/>.</summary>
    public static IReadOnlyList<string> Using(StoragePaths paths, string connectionName, Action<string>? warn = null)
    {
        var result = new List<string>();
        if (!Directory.Exists(paths.Exports))
        {
            return result;
        }

        foreach (string file in Directory.EnumerateFiles(paths.Exports, "*.json", SearchOption.TopDirectoryOnly))
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(file), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                string? connection = Member(root, "Connection") is { } value
                    ? value.ValueKind == JsonValueKind.String ? value.GetString()
                    : value.ValueKind == JsonValueKind.Object && Member(value, "Name") is { ValueKind: JsonValueKind.String } name ? name.GetString()
                    : null
                    : null;
                if (string.Equals(connection, connectionName, StringComparison.OrdinalIgnoreCase))
                {
                    string exportName = Member(root, "Name") is { ValueKind: JsonValueKind.String } n ? n.GetString()! : Path.GetFileNameWithoutExtension(file);
                    result.Add(exportName);
                }
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                warn?.Invoke($"The export definition '{file}' could not be read to see whether it uses connection '{connectionName}': {ex.Message}");
            }
        }

        return result.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static JsonElement? Member(JsonElement element, string name)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
