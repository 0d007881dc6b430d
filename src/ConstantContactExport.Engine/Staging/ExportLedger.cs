namespace ConstantContactExport.Engine.Staging;

/// <summary>Where each profile ended. Exactly one bucket a profile, decided in this order.</summary>
public enum ProfileOutcome
{
    OutOfSegment,
    Invalid,
    Duplicate,

    /// <summary>In segment, valid and unique, and the export's sync state has it as it would be sent: not sent.</summary>
    Unchanged,
    Submitted,
}

/// <summary>
/// The counts of a run: InputCount = OutOfSegmentCount + InvalidCount + DuplicateCount + UnchangedCount + SubmittedCount,
/// always, because every count moves only through <see cref="Record"/>.
/// </summary>
public sealed class ExportLedger
{
    public long InputCount { get; private set; }

    public long OutOfSegmentCount { get; private set; }

    public long InvalidCount { get; private set; }

    public long DuplicateCount { get; private set; }

    public long UnchangedCount { get; private set; }

    public long SubmittedCount { get; private set; }

    public void Record(ProfileOutcome outcome)
    {
        InputCount++;
        switch (outcome)
        {
            case ProfileOutcome.OutOfSegment:
                OutOfSegmentCount++;
                break;
            case ProfileOutcome.Invalid:
                InvalidCount++;
                break;
            case ProfileOutcome.Duplicate:
                DuplicateCount++;
                break;
            case ProfileOutcome.Unchanged:
                UnchangedCount++;
                break;
            case ProfileOutcome.Submitted:
                SubmittedCount++;
                break;
        }
    }

    public override string ToString() =>
        $"Input {InputCount} = OutOfSegment {OutOfSegmentCount} + Invalid {InvalidCount} + Duplicate {DuplicateCount} + Unchanged {UnchangedCount} + Submitted {SubmittedCount}";
}
