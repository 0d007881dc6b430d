using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Exports;

/// <summary>Export definitions as <c>exports/&lt;name&gt;.json</c> under the storage folder.</summary>
public sealed class ExportDefinitionStore
{
    private readonly StoragePaths paths;

    public ExportDefinitionStore(StoragePaths paths)
    {
        this.paths = paths;
    }

    /// <summary>
    /// The definition's file. Names are compared without regard to case, as PowerShell compares names, even
    /// on a file system that does not: an existing file of that name in any case is the one.
    /// </summary>
    public string PathOf(string name)
    {
        string exact = Path.Combine(paths.Exports, SafeName.Check(name, "export") + ".json");
        if (File.Exists(exact) || !Directory.Exists(paths.Exports))
        {
            return exact;
        }

        return Directory.EnumerateFiles(paths.Exports, "*.json")
            .FirstOrDefault(f => string.Equals(Path.GetFileNameWithoutExtension(f), name, StringComparison.OrdinalIgnoreCase))
            ?? exact;
    }

    public bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>The definition, or null when there is none of that name; a file that cannot be used throws, naming it.</summary>
    public ExportDefinition? Get(string name)
    {
        string path = PathOf(name);
        return File.Exists(path) ? Read(path) : null;
    }

    /// <summary>Every definition's name, sorted, without reading the files.</summary>
    public IReadOnlyList<string> Names()
    {
        if (!Directory.Exists(paths.Exports))
        {
            return Array.Empty<string>();
        }

        return Directory.EnumerateFiles(paths.Exports, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => SafeName.Problem(n) is null)
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .ToList()!;
    }

    /// <summary>
    /// Refuses a new export whose name differs from an existing one's only by characters that lower-case alike (the
    /// Kelvin sign and K): PowerShell tells the two names apart, but the export's folder, run lock and sync state are
    /// named by <see cref="SafeName.FileKey"/>, which does not, so the two would share a sync state.
    /// </summary>
    /// <exception cref="ArgumentException">Such an export exists.</exception>
    public void CheckNewName(string name)
    {
        string? other = Exists(name) ? null : SharingFiles(name);
        if (other is not null)
        {
            int at = 0;
            while (at < name.Length && at < other.Length && char.ToUpperInvariant(name[at]) == char.ToUpperInvariant(other[at]))
            {
                at++;
            }

            string differs = at < name.Length ? $" (U+{(int)name[at]:X4} at position {at + 1}, where it has '{(at < other.Length ? other[at] : ' ')}')" : string.Empty;
            throw new ArgumentException($"The export name '{name}' differs from the existing export '{other}' only by characters that lower-case alike{differs}, so the two would share one sync state and run lock. Choose another name, or use '{other}'.");
        }
    }

    /// <summary>
    /// Refuses to run a saved export that another saved export shares its folder with (<see cref="SharingFiles"/>):
    /// their runs would read and write one sync state.
    /// </summary>
    /// <exception cref="ArgumentException">Such an export exists.</exception>
    public void CheckNotShared(string name)
    {
        if (SharingFiles(name) is { } other)
        {
            throw new ArgumentException($"The exports '{name}' and '{other}' differ only by characters that lower-case alike, so they would share one sync state and run lock; neither runs until one is renamed (Remove-CCExport one of them, then Set-CCExport it under another name).");
        }
    }

    /// <summary>
    /// Another saved export whose folder, run lock and sync state this name's would be (<see cref="SafeName.FileKey"/>
    /// alike, the names not equal without regard to case), or null. Only definitions made by hand or before such names
    /// were refused can pair up so.
    /// </summary>
    public string? SharingFiles(string name)
    {
        string key = SafeName.FileKey(name, "export");
        return Names().FirstOrDefault(n => !string.Equals(n, name, StringComparison.OrdinalIgnoreCase) && SafeName.FileKey(n, "export") == key);
    }

    public void Save(ExportDefinition definition)
    {
        CheckNewName(definition.Name);
        _ = definition.ToMapping(); // refuses a definition that would not load again
        if (CheckListMap(definition) is string problem)
        {
            throw new ArgumentException($"The export '{definition.Name}' cannot be saved: {problem}");
        }

        definition.SchemaVersion = definition.ListMap is null ? ExportDefinition.FirstSchemaVersion : ExportDefinition.CurrentSchemaVersion;
        string json = JsonSerializer.Serialize(definition, ExportJsonContext.Default.ExportDefinition);
        AtomicFile.WriteAllText(PathOf(definition.Name), json + "\n");
    }

    public bool Remove(string name)
    {
        string path = PathOf(name);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Reads and checks one definition file; the exception names the file and the problem.</summary>
    public static ExportDefinition Read(string path)
    {
        ExportDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize(File.ReadAllText(path), ExportJsonContext.Default.ExportDefinition);
        }
        catch (JsonException ex)
        {
            throw new ExportDefinitionException(path, $"it is not valid JSON ({ex.Message})", ex);
        }

        if (definition is null)
        {
            throw new ExportDefinitionException(path, "it is empty (null).");
        }

        string expected = Path.GetFileNameWithoutExtension(path);
        if (!string.Equals(definition.Name, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new ExportDefinitionException(path, $"its Name '{definition.Name}' is not its file name '{expected}'.");
        }

        if (definition.SchemaVersion is < ExportDefinition.FirstSchemaVersion or > ExportDefinition.CurrentSchemaVersion)
        {
            throw new ExportDefinitionException(path, $"its SchemaVersion {definition.SchemaVersion} is not one this module reads ({ExportDefinition.FirstSchemaVersion} to {ExportDefinition.CurrentSchemaVersion}).");
        }

        if (definition.ListMap is not null && definition.SchemaVersion < 2)
        {
            throw new ExportDefinitionException(path, "it has a ListMap, which needs SchemaVersion 2.");
        }

        if (string.IsNullOrWhiteSpace(definition.Connection))
        {
            throw new ExportDefinitionException(path, "it names no Connection.");
        }

        if (definition.ListIds is null || definition.ListIds.Count is < 1 or > 50 || definition.ListIds.Any(id => !Guid.TryParse(id, out _)))
        {
            throw new ExportDefinitionException(path, "ListIds must hold 1 to 50 list ids (UUIDs).");
        }

        if (definition.MaxProfiles < 1)
        {
            throw new ExportDefinitionException(path, "MaxProfiles must be at least 1.");
        }

        if (definition.RetainDays is < 0 or > ExportDefinition.MaxRetainDays)
        {
            throw new ExportDefinitionException(path, $"RetainDays must be from 0 to {ExportDefinition.MaxRetainDays}.");
        }

        definition.Attributes = new Dictionary<string, string>(definition.Attributes ?? new(), StringComparer.OrdinalIgnoreCase);
        definition.Segments ??= new();
        definition.SourcePath ??= new();
        definition.ListNames ??= new();
        try
        {
            _ = definition.ToMapping();
        }
        catch (ArgumentException ex)
        {
            throw new ExportDefinitionException(path, ex.Message, ex);
        }

        if (CheckListMap(definition) is string problem)
        {
            throw new ExportDefinitionException(path, problem);
        }

        return definition;
    }

    /// <summary>
    /// What is wrong with a definition's ListMap, or null: at least one segment, each named once (without regard to
    /// case) with a list id that is a UUID and one of ListIds; its segments are the export's segments.
    /// </summary>
    internal static string? CheckListMap(ExportDefinition definition)
    {
        if (definition.ListMap is not { } map)
        {
            return null;
        }

        if (map.Count == 0)
        {
            return "its ListMap is empty (leave it out for one set of lists).";
        }

        var segments = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (ListMapEntry entry in map)
        {
            if (entry is null || string.IsNullOrWhiteSpace(entry.Segment) || !segments.Add(entry.Segment.Trim()))
            {
                return "its ListMap must name each segment once (names are compared without regard to case).";
            }

            if (!Guid.TryParse(entry.ListId, out _) || !definition.ListIds.Contains(entry.ListId, StringComparer.OrdinalIgnoreCase))
            {
                return $"its ListMap sends segment '{entry.Segment}' to '{entry.ListId}', which is not a list id of its ListIds.";
            }
        }

        if (!segments.SetEquals(definition.Segments.Select(s => s.Trim())))
        {
            return "the segments of its ListMap must be its Segments.";
        }

        return null;
    }
}
