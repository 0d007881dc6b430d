using System;
using System.Collections.Generic;
using System.Linq;

using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// run.json: what a run is (written once when it starts, atomically). Where it stands comes from replaying
/// its journal; see <see cref="RunStatus"/>.
/// </summary>
public sealed class RunManifest
{
    public string RunId { get; set; } = string.Empty;

    public string ExportName { get; set; } = string.Empty;

    public string Connection { get; set; } = string.Empty;

    /// <summary>The run's lists; a body names all of them, or with <see cref="ListMap"/> those of its profiles' segments.</summary>
    public List<string> ListIds { get; set; } = new();

    /// <summary>The names of <see cref="ListIds"/>, in their order, as the definition had them when the run started; null when it had none (and in runs started before names were kept).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(ShownNamesConverter))]
    public List<string>? ListNames { get; set; }

    /// <summary>Per-segment lists (Set-CCExport -ListMap) as the run started with them, each list one of <see cref="ListIds"/>; null without.</summary>
    public List<Exports.ListMapEntry>? ListMap { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    /// <summary>
    /// Whether <paramref name="state"/> was saved after this run started: by a later run of the export (or by this one
    /// before it was interrupted), so this run's input is an older view of the segment than the state's.
    /// </summary>
    public bool IsSupersededBy(SyncState? state) => state is not null && state.SavedAt > StartedAt;

    /// <summary>
    /// One of the run's lists as its messages name it: 'its name' when the run knows it, else its id. A name comes from
    /// the account, where anyone may name a list: its control characters are shown escaped, never sent to a console.
    /// </summary>
    public string ListLabel(string listId)
    {
        int index = ListIds.FindIndex(id => string.Equals(id, listId, StringComparison.OrdinalIgnoreCase));
        string? name = ListNames is not null && ListNames.Count == ListIds.Count && index >= 0
            ? ListNames[index]
            : ListMap?.FirstOrDefault(e => string.Equals(e.ListId, listId, StringComparison.OrdinalIgnoreCase))?.ListName;
        return string.IsNullOrEmpty(name) ? Profiles.TextChecks.Printable(listId) : $"'{Profiles.TextChecks.Printable(name!)}'";
    }

    public string? StartedBy { get; set; }

    public string RejectPath { get; set; } = string.Empty;

    public bool WhatIf { get; set; }

    public long MaxProfiles { get; set; }

    /// <summary>Where the profiles came from: the CSV files (full paths), or "pipeline".</summary>
    public List<string> Sources { get; set; } = new();

    /// <summary>Invoke-CCExport -Segment: the segments of the whole input, or null.</summary>
    public List<string>? InputSegments { get; set; }

    /// <summary>Invoke-CCExport -Encoding, as given, or null: what staging the files again needs.</summary>
    public string? Encoding { get; set; }

    /// <summary>Invoke-CCExport -Delimiter, or null (sniffed): what staging the files again needs.</summary>
    public string? Delimiter { get; set; }

    /// <summary>Invoke-CCExport -Header (the files have no header row), or null: what staging the files again needs.</summary>
    public List<string>? Header { get; set; }

    /// <summary>The share of in-segment profiles the run may reject (the export's, or Invoke-CCExport's override); null in runs from before.</summary>
    public int? MaxRejectPercent { get; set; }

    /// <summary>
    /// The body bounds the run was staged with (CC_EXPORT_BATCH_CONTACTS): staging the files again for a resume uses
    /// them, whatever the environment says then, so that the bodies come out the same. Null in runs from before.
    /// </summary>
    public ImportBatchLimits? BatchLimits { get; set; }

    /// <summary>Invoke-CCExport -Full: every profile is sent, whatever the sync state says (staging again for a resume does the same).</summary>
    public bool Full { get; set; }

    /// <summary>The export's -RemoveMissing when the run started: the run notes which profiles are in the segment and removes the leavers once its imports completed.</summary>
    public bool RemoveMissing { get; set; }

    /// <summary>The export's MaxRemovePercent when the run started.</summary>
    public int MaxRemovePercent { get; set; } = Exports.ExportDefinition.DefaultMaxRemovePercent;

    /// <summary>Invoke-CCExport -Force: removals past MaxRemovePercent are made all the same.</summary>
    public bool Force { get; set; }
}
