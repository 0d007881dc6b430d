using System;
using System.Collections.Generic;
using ConstantContactExport.Engine.Mapping;

namespace ConstantContactExport.Engine.Exports;

/// <summary>
/// A saved export: which connection, which lists, how profile properties map to contact fields, which
/// segments it sends. Kept as a JSON file an admin can read, diff and keep in source control; it holds no
/// secrets (the connection's tokens live in the secret store).
/// </summary>
public sealed class ExportDefinition
{
    /// <summary>The version of a definition without per-segment lists: what modules before them read too.</summary>
    public const int FirstSchemaVersion = 1;

    /// <summary>The newest version: 2 adds <see cref="ListMap"/>. A definition is saved with the lowest version that holds it, so a module from before reads every definition it can send right, and refuses a per-segment one (it would send every profile to every list).</summary>
    public const int CurrentSchemaVersion = 2;
    public const int DefaultMaxProfiles = 1_000_000;
    public const int DefaultRetainDays = 30;
    public const int MaxRetainDays = 3650;
    public const int DefaultMaxRemovePercent = 10;

    public int SchemaVersion { get; set; } = FirstSchemaVersion;

    public string Name { get; set; } = string.Empty;

    public string? Description { get; set; }

    /// <summary>The connection's name.</summary>
    public string Connection { get; set; } = string.Empty;

    /// <summary>The target lists' ids (1 to 50), resolved when the definition was saved; with <see cref="ListMap"/>, its lists in the map's order.</summary>
    public List<string> ListIds { get; set; } = new();

    /// <summary>The lists' names when they were resolved, for people reading the file.</summary>
    public List<string> ListNames { get; set; } = new();

    /// <summary>
    /// Per-segment lists (Set-CCExport -ListMap): each segment with its list; a profile goes to the lists of the
    /// segments it is in. Its segments are <see cref="Segments"/>, its lists <see cref="ListIds"/>. Null without.
    /// </summary>
    public List<ListMapEntry>? ListMap { get; set; }

    public string EmailField { get; set; } = string.Empty;

    public string? FirstNameField { get; set; }

    public string? LastNameField { get; set; }

    /// <summary>Constant Contact field (job_title, cf:loyalty_tier...) to profile property.</summary>
    public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Segments { get; set; } = new();

    public string? SegmentField { get; set; }

    public long MaxProfiles { get; set; } = DefaultMaxProfiles;

    /// <summary>The share of in-segment profiles (0 to 100) a run may reject before it fails with RejectLimitExceeded.</summary>
    public int MaxRejectPercent { get; set; } = Runs.RunLimits.DefaultMaxRejectPercent;

    /// <summary>Days a run's folder is kept after its last activity (0 to 3650; 0: until the export's next run), pruned by later runs.</summary>
    public int RetainDays { get; set; } = DefaultRetainDays;

    /// <summary>Set-CCExport -RemoveMissing: a run takes the contacts this export put on its lists and that left the segment off those lists.</summary>
    public bool RemoveMissing { get; set; }

    /// <summary>The share (0 to 100) of the export's members of a list that one run may remove from it before it fails with RemoveLimitExceeded (unless -Force).</summary>
    public int MaxRemovePercent { get; set; } = DefaultMaxRemovePercent;

    /// <summary>CSV files or wildcards that a run reads when nothing is piped in.</summary>
    public List<string> SourcePath { get; set; } = new();

    public string? CreatedBy { get; set; }

    public DateTimeOffset CreatedOn { get; set; }

    public DateTimeOffset ModifiedOn { get; set; }

    /// <summary>The mapping this definition describes (checks every field name and the segments).</summary>
    public ExportMapping ToMapping() =>
        new(EmailField, FirstNameField, LastNameField, Attributes, SegmentField, Segments);
}
