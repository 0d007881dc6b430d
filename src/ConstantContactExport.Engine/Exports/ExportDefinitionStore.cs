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

    public void Save(ExportDefinition definition)
    {
        SafeName.Check(definition.Name, "export");
        _ = definition.ToMapping(); // refuses a definition that would not load again
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

        if (definition.SchemaVersion != ExportDefinition.CurrentSchemaVersion)
        {
            throw new ExportDefinitionException(path, $"its SchemaVersion {definition.SchemaVersion} is not {ExportDefinition.CurrentSchemaVersion}, the one this module reads.");
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

        return definition;
    }
}
