using System;
using System.Management.Automation;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;

namespace ConstantContactExport.Exports;

/// <summary>Writes what a run tells (<see cref="IExportRunObserver"/>) as the cmdlet's records: verbose, warnings, progress, per-reject errors.</summary>
internal sealed class RunRecordWriter : IExportRunObserver
{
    private const int StagingId = 1;
    private const int SendingId = 2;

    private readonly PSCmdlet cmdlet;
    private readonly string stagingActivity;
    private readonly string sendingActivity;

    public RunRecordWriter(PSCmdlet cmdlet, string exportName)
    {
        this.cmdlet = cmdlet;
        stagingActivity = $"Staging export '{exportName}'";
        sendingActivity = $"Sending export '{exportName}' to Constant Contact";
    }

    public void Verbose(string message) => cmdlet.WriteVerbose(message);

    public void Warning(string message) => cmdlet.WriteWarning(message);

    public void StagingProgress(long profiles, double perSecond, string? source, int percent) =>
        cmdlet.WriteProgress(new ProgressRecord(StagingId, stagingActivity, $"{profiles:N0} profiles read ({perSecond:N0}/s)")
        {
            CurrentOperation = source ?? "pipeline input",
            PercentComplete = percent,
        });

    public void StagingDone() =>
        cmdlet.WriteProgress(new ProgressRecord(StagingId, stagingActivity, "Staged") { RecordType = ProgressRecordType.Completed });

    public void SendingProgress(SenderEvent e)
    {
        // While the run still stages, the number of batches is not known yet.
        int batches = e.BatchCount;
        cmdlet.WriteProgress(new ProgressRecord(SendingId, sendingActivity, batches > 0
            ? $"{e.BatchesSubmitted} of {batches} batches submitted, {e.ActivitiesDone} activities done"
            : $"{e.BatchesSubmitted} batches submitted while staging goes on")
        {
            PercentComplete = batches > 0 ? Math.Min(100, (e.BatchesSubmitted + e.ActivitiesDone) * 100 / (batches * 2)) : -1,
            CurrentOperation = e.Message,
        });
        cmdlet.WriteVerbose(e.Message);
    }

    public void SendingDone() =>
        cmdlet.WriteProgress(new ProgressRecord(SendingId, sendingActivity, "Done") { RecordType = ProgressRecordType.Completed });

    public void Rejected(ProfileIssue issue, ProfileRecord record)
    {
        // Piped profiles are their own target; a CSV row is named by file, line and record number (no personal data).
        object? target = record.SourceName is null ? record.Original : Row(record);
        cmdlet.WriteError(new ErrorRecord(new ProfileRejectedException(issue), issue.Reason.ToString(), ErrorCategory.InvalidData, target)
        {
            ErrorDetails = new ErrorDetails(issue.Message) { RecommendedAction = "Correct the profile at its source; the reject report lists every rejected profile." },
        });
    }

    public bool ShouldSend(string target, string action) => cmdlet.ShouldProcess(target, action);

    private static PSObject Row(ProfileRecord record)
    {
        var row = new PSObject();
        row.Properties.Add(new PSNoteProperty("Source", record.SourceName));
        row.Properties.Add(new PSNoteProperty("Line", record.LineNumber));
        row.Properties.Add(new PSNoteProperty("RecordNumber", record.RecordNumber));
        return row;
    }
}
