using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Sending;

/// <summary>One page of GET /activities: its activities, newest first, and the href of the next page (null on the last).</summary>
public sealed record ActivityPage(IReadOnlyList<ActivityInfo> Activities, string? Next);

/// <summary>A bulk activity as Constant Contact reports it (GET /activities/{id} or an item of GET /activities).</summary>
public sealed class ActivityInfo
{
    public string ActivityId { get; set; } = string.Empty;

    /// <summary>initialized, processing, completed, cancelled, failed or timed_out.</summary>
    public string State { get; set; } = string.Empty;

    public DateTimeOffset? CreatedAt { get; set; }

    public int? PercentDone { get; set; }

    public long? ItemsTotalCount { get; set; }

    public long? PersonCount { get; set; }

    public long? ErrorCount { get; set; }

    public long? CorrectableCount { get; set; }

    public long? CannotAddToListCount { get; set; }

    /// <summary>status.list_count: how many lists the activity adds contacts to (the API shows no list ids).</summary>
    public long? ListCount { get; set; }

    /// <summary>source_file_name: set for file imports, absent for JSON imports.</summary>
    public string? SourceFileName { get; set; }

    /// <summary>activity_errors, whether the server sent strings or {message} objects.</summary>
    public List<string> Errors { get; set; } = new();

    /// <summary>True once the activity can change no more.</summary>
    public bool IsFinished => State is "completed" or "cancelled" or "failed" or "timed_out";
}
