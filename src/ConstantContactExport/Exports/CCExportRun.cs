using System;
using System.Linq;
using ConstantContactExport.Engine.Runs;

namespace ConstantContactExport;

/// <summary>
/// What happened in one run of an export: where every profile ended (the ledger), what Constant Contact
/// said of the imports, and the run's state. InputCount = OutOfSegmentCount + InvalidCount + DuplicateCount + UnchangedCount + SubmittedCount.
/// </summary>
public sealed class CCExportRun
{
    public string RunId { get; init; } = string.Empty;

    public string ExportName { get; init; } = string.Empty;

    /// <summary>WhatIf, Submitted, Completed, CompletedWithErrors, Failed or Stopped (Staging and Sending while unfinished).</summary>
    public string State { get; init; } = string.Empty;

    public long InputCount { get; init; }

    public long OutOfSegmentCount { get; init; }

    public long InvalidCount { get; init; }

    public long DuplicateCount { get; init; }

    /// <summary>Profiles not sent: the export's sync state has them as they would be sent, on the export's lists.</summary>
    public long UnchangedCount { get; init; }

    public long SubmittedCount { get; init; }

    /// <summary>Contacts Constant Contact imported (person_count, summed over the activities).</summary>
    public long ImportedCount { get; init; }

    public long CorrectableCount { get; init; }

    public long ErrorCount { get; init; }

    /// <summary>Previously unsubscribed contacts: not added to the lists, and never re-subscribed by this module.</summary>
    public long CannotAddToListCount { get; init; }

    public int BatchCount { get; init; }

    /// <summary>-RemoveMissing: contacts taken off the export's lists (list memberships) because they left the segment.</summary>
    public long RemovedCount { get; init; }

    /// <summary>HTTP requests this run made to Constant Contact, retries and resumes included.</summary>
    public int RequestCount { get; init; }

    public string[] ActivityIds { get; init; } = Array.Empty<string>();

    public string RejectPath { get; init; } = string.Empty;

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public TimeSpan? Duration => CompletedAt - StartedAt;

    /// <summary>Why the run is in its state, in a sentence.</summary>
    public string? Message { get; init; }

    /// <param name="status">The run as its journal tells it.</param>
    /// <param name="message">A message that replaces the journal's (a run left unfinished by a process that ended).</param>
    internal static CCExportRun From(RunStatus status, string? message = null) => new()
    {
        RunId = status.Manifest.RunId,
        ExportName = status.Manifest.ExportName,
        State = status.State.ToString(),
        InputCount = status.InputCount,
        OutOfSegmentCount = status.OutOfSegmentCount,
        InvalidCount = status.InvalidCount,
        DuplicateCount = status.DuplicateCount,
        UnchangedCount = status.UnchangedCount,
        SubmittedCount = status.SubmittedCount,
        ImportedCount = status.ImportedCount,
        CorrectableCount = status.CorrectableCount,
        ErrorCount = status.ErrorCount,
        CannotAddToListCount = status.CannotAddToListCount,
        BatchCount = status.BatchCount,
        RemovedCount = status.RemovedCount,
        RequestCount = status.RequestCount,
        ActivityIds = status.ActivityIds.ToArray(),
        RejectPath = status.Manifest.RejectPath,
        StartedAt = status.Manifest.StartedAt,
        CompletedAt = status.CompletedAt,
        Message = message ?? status.Message,
    };

    public override string ToString() => $"{ExportName} {RunId} {State}";
}
