using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Sending;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// What a run tells its caller while it goes on. <see cref="ExportRunner"/> calls every member on the thread that
/// called it (the pipeline thread of a cmdlet), also for what the sender learns on its own task. Messages never hold
/// personal data or tokens.
/// </summary>
public interface IExportRunObserver
{
    void Verbose(string message);

    void Warning(string message);

    /// <summary>Profiles read so far; <paramref name="source"/> is the file (null for piped input); <paramref name="percent"/> is -1 when unknown.</summary>
    void StagingProgress(long profiles, double perSecond, string? source, int percent);

    /// <summary>Staging has ended.</summary>
    void StagingDone();

    /// <summary>Batches submitted and activities done.</summary>
    void SendingProgress(SenderEvent progress);

    /// <summary>Sending has ended.</summary>
    void SendingDone();

    /// <summary>One rejected profile (only when the request asks for each, -ErrorPerReject); the record is reused once this returns.</summary>
    void Rejected(ProfileIssue issue, ProfileRecord record);

    /// <summary>ShouldProcess: true to send.</summary>
    bool ShouldSend(string target, string action);
}
