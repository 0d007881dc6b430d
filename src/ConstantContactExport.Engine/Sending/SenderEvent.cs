namespace ConstantContactExport.Engine.Sending;

/// <summary>What the sender tells the cmdlet, which shows it on the pipeline thread.</summary>
public enum SenderEventKind
{
    /// <summary>A line for -Verbose.</summary>
    Verbose,

    /// <summary>A warning for the host.</summary>
    Warning,

    /// <summary>Progress: batches submitted and activities done.</summary>
    Progress,
}

/// <summary>One message from the sender.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Message">The text (never personal data or tokens).</param>
/// <param name="BatchesSubmitted">Progress: batches with an activity.</param>
/// <param name="BatchCount">Progress: all batches.</param>
/// <param name="ActivitiesDone">Progress: activities finished.</param>
public sealed record SenderEvent(SenderEventKind Kind, string Message, int BatchesSubmitted = 0, int BatchCount = 0, int ActivitiesDone = 0);
