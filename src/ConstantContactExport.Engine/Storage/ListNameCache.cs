using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// The names of an account's contact lists as Get-CCList last saw them: <c>cache/lists-&lt;connection&gt;.json</c>
/// under the storage folder. Tab completion of list names reads it, so that pressing Tab never waits on the
/// network. It is a convenience: a missing or damaged file reads as no names, and nothing depends on it being current.
/// </summary>
public sealed class ListNameCache
{
    // A damaged or hostile file must not make Tab slow: anything larger is not read.
    private const long MaxFileBytes = 4 * 1024 * 1024;

    private readonly StoragePaths paths;

    public ListNameCache(StoragePaths paths)
    {
        this.paths = paths ?? throw new ArgumentNullException(nameof(paths));
    }

    /// <summary>The folder of cache files.</summary>
    public string Folder => Path.Combine(paths.Root, "cache");

    /// <summary>The cache file of one connection. Connection names compare without regard to case, so the file name is lower case.</summary>
    public string PathOf(string connection) =>
        Path.Combine(Folder, "lists-" + SafeName.FileKey(connection, "connection") + ".json");

    /// <summary>Replaces the connection's cached names (atomically; duplicates and blanks dropped).</summary>
    public void Save(string connection, IEnumerable<string> names)
    {
        if (names is null)
        {
            throw new ArgumentNullException(nameof(names));
        }

        string path = PathOf(connection);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("connection", connection);
            writer.WriteString("savedAt", DateTimeOffset.UtcNow);
            writer.WriteStartArray("names");
            foreach (string name in names.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>The connection's cached names; empty when there is no cache, or it cannot be read.</summary>
    public IReadOnlyList<string> Load(string connection)
    {
        if (SafeName.Problem(connection) is not null)
        {
            return Array.Empty<string>();
        }

        return ReadFile(PathOf(connection));
    }

    /// <summary>Every connection's cached names together, for when no connection is named.</summary>
    public IReadOnlyList<string> LoadAll()
    {
        if (!Directory.Exists(Folder))
        {
            return Array.Empty<string>();
        }

        return Directory.EnumerateFiles(Folder, "lists-*.json")
            .SelectMany(ReadFile)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static IReadOnlyList<string> ReadFile(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.Length > MaxFileBytes)
            {
                return Array.Empty<string>();
            }

            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using JsonDocument document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("names", out JsonElement names)
                || names.ValueKind != JsonValueKind.Array)
            {
                return Array.Empty<string>();
            }

            var result = new List<string>();
            foreach (JsonElement name in names.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text)
                {
                    result.Add(text);
                }
            }

            return result;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return Array.Empty<string>();
        }
    }
}
