namespace ConstantContactExport.Engine.Exports;

/// <summary>
/// One segment of a per-segment export (Set-CCExport -ListMap) and the list its profiles go to. Kept in the export's
/// definition and in each run's manifest (so that a resume stages with the map the run started with).
/// </summary>
public sealed class ListMapEntry
{
    /// <summary>The segment's name, as the export's segments spell it (compared without regard to case).</summary>
    public string Segment { get; set; } = string.Empty;

    /// <summary>The list's id (a UUID).</summary>
    public string ListId { get; set; } = string.Empty;

    /// <summary>The list's name when it was resolved, for people reading the file.</summary>
    public string? ListName { get; set; }
}
