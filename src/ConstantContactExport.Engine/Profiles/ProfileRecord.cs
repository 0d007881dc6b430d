namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// One profile as a source hands it to the pipeline: its values for the export's source fields, in the order
/// of <see cref="Mapping.ExportMapping.SourceFields"/>, and where it came from. A reader may reuse one instance for every
/// record; the pipeline copies what it keeps.
/// </summary>
public sealed class ProfileRecord
{
    public ProfileRecord(int fieldCount)
    {
        Values = new SourceValue[fieldCount];
    }

    /// <summary>Values aligned with the shape's source fields.</summary>
    public SourceValue[] Values { get; }

    /// <summary>1-based position of the profile in its input (per file for CSV, per run for pipeline input).</summary>
    public long RecordNumber { get; set; }

    /// <summary>CSV: the physical line on which the record starts (1-based, counting the header).</summary>
    public long? LineNumber { get; set; }

    /// <summary>CSV: the file the record came from.</summary>
    public string? SourceName { get; set; }

    /// <summary>A problem found while reading, which makes the profile Invalid whatever its values.</summary>
    public ProfileIssue? ReadIssue { get; set; }

    /// <summary>The original object (pipeline input), for the error record's target. Null for CSV.</summary>
    public object? Original { get; set; }

    /// <summary>Clears the values so that a reader can fill the instance again.</summary>
    public void Reset()
    {
        System.Array.Clear(Values, 0, Values.Length);
        RecordNumber = 0;
        LineNumber = null;
        SourceName = null;
        ReadIssue = null;
        Original = null;
    }
}
