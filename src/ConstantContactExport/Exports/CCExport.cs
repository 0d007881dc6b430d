using System;
using System.Collections;
using System.Linq;
using ConstantContactExport.Engine.Exports;

namespace ConstantContactExport;

/// <summary>A saved export definition, as Get-CCExport and Set-CCExport -PassThru show it.</summary>
public sealed class CCExport
{
    public string Name { get; init; } = string.Empty;

    public string? Description { get; init; }

    public string Connection { get; init; } = string.Empty;

    public string[] ListIds { get; init; } = Array.Empty<string>();

    public string[] ListNames { get; init; } = Array.Empty<string>();

    /// <summary>Per-segment lists (Set-CCExport -ListMap): segment = list name, in the map's order; null when every segment goes to every list.</summary>
    public System.Collections.Specialized.OrderedDictionary? ListMap { get; init; }

    public string EmailField { get; init; } = string.Empty;

    public string? FirstNameField { get; init; }

    public string? LastNameField { get; init; }

    /// <summary>Constant Contact field = profile property.</summary>
    public Hashtable Attributes { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public string[] Segment { get; init; } = Array.Empty<string>();

    public string? SegmentField { get; init; }

    public long MaxProfiles { get; init; }

    /// <summary>The share of in-segment profiles (0 to 100) a run may reject before it fails with RejectLimitExceeded.</summary>
    public int MaxRejectPercent { get; init; }

    /// <summary>True when a run takes the contacts this export put on its lists and that left the segment off those lists.</summary>
    public bool RemoveMissing { get; init; }

    /// <summary>The share of a list's members (0 to 100) one run may remove before it fails with RemoveLimitExceeded (unless -Force).</summary>
    public int MaxRemovePercent { get; init; }

    /// <summary>Days a run's folder is kept after its last activity.</summary>
    public int RetainDays { get; init; }

    public string[] SourcePath { get; init; } = Array.Empty<string>();

    public string? CreatedBy { get; init; }

    public DateTimeOffset CreatedOn { get; init; }

    public DateTimeOffset ModifiedOn { get; init; }

    /// <summary>The definition file.</summary>
    public string Path { get; init; } = string.Empty;

    internal static CCExport From(ExportDefinition definition, string path)
    {
        var attributes = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in definition.Attributes)
        {
            attributes[pair.Key] = pair.Value;
        }

        return new CCExport
        {
            Name = definition.Name,
            Description = definition.Description,
            Connection = definition.Connection,
            ListIds = definition.ListIds.ToArray(),
            ListNames = definition.ListNames.ToArray(),
            ListMap = MapOf(definition),
            EmailField = definition.EmailField,
            FirstNameField = definition.FirstNameField,
            LastNameField = definition.LastNameField,
            Attributes = attributes,
            Segment = definition.Segments.ToArray(),
            SegmentField = definition.SegmentField,
            MaxProfiles = definition.MaxProfiles,
            MaxRejectPercent = definition.MaxRejectPercent,
            RemoveMissing = definition.RemoveMissing,
            MaxRemovePercent = definition.MaxRemovePercent,
            RetainDays = definition.RetainDays,
            SourcePath = definition.SourcePath.ToArray(),
            CreatedBy = definition.CreatedBy,
            CreatedOn = definition.CreatedOn,
            ModifiedOn = definition.ModifiedOn,
            Path = path,
        };
    }

    public override string ToString() => Name;

    private static System.Collections.Specialized.OrderedDictionary? MapOf(ExportDefinition definition)
    {
        if (definition.ListMap is null)
        {
            return null;
        }

        var map = new System.Collections.Specialized.OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (ListMapEntry entry in definition.ListMap)
        {
            map[entry.Segment] = string.IsNullOrEmpty(entry.ListName) ? entry.ListId : entry.ListName;
        }

        return map;
    }
}
