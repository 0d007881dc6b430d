using System.Text.Json.Serialization;
using ConstantContact.Sandbox.Json;

namespace ConstantContact.Sandbox.Activities;

/// <summary>An activity as the API shows it (ActivityImport / Activity in the spec).</summary>
public sealed class ActivityResource
{
    public required Guid ActivityId { get; init; }

    public required string State { get; init; }

    public required DateTime CreatedAt { get; init; }

    public DateTime? StartedAt { get; init; }

    public DateTime? CompletedAt { get; init; }

    public required DateTime UpdatedAt { get; init; }

    public string? SourceFileName { get; init; }

    public required int PercentDone { get; init; }

    public required IReadOnlyList<string> ActivityErrors { get; init; }

    public required ActivityStatusResource Status { get; init; }

    [JsonPropertyName("_links")]
    public required Links Links { get; init; }

    public static ActivityResource From(Activity activity) => new()
    {
        ActivityId = activity.Id,
        State = StateName(activity.State),
        CreatedAt = activity.CreatedAt,
        StartedAt = activity.StartedAt,
        CompletedAt = activity.CompletedAt,
        UpdatedAt = activity.UpdatedAt,
        SourceFileName = activity.SourceFileName,
        PercentDone = activity.PercentDone,
        ActivityErrors = activity.Errors.ToArray(),
        // The import counters belong to ActivityImport; a list-membership activity's status (the spec's
        // ActivityListsMembership) has only items_total_count, items_completed_count and list_count.
        Status = new ActivityStatusResource
        {
            ItemsTotalCount = activity.ItemsTotalCount,
            ItemsCompletedCount = activity.ItemsCompletedCount,
            PersonCount = activity.IsImport ? activity.PersonCount : null,
            ErrorCount = activity.IsImport ? activity.ErrorCount : null,
            CorrectableCount = activity.IsImport ? activity.CorrectableCount : null,
            CannotAddToListCount = activity.IsImport ? activity.CannotAddToListCount : null,
            ListCount = activity.ListIds.Count,
        },
        Links = new Links { Self = new Link { Href = "/v3/activities/" + activity.Id } },
    };

    public static string StateName(ActivityState state) => state switch
    {
        ActivityState.Initialized => "initialized",
        ActivityState.Processing => "processing",
        ActivityState.Cancelled => "cancelled",
        ActivityState.Failed => "failed",
        ActivityState.TimedOut => "timed_out",
        _ => "completed",
    };
}

public sealed class ActivityStatusResource
{
    public int ItemsTotalCount { get; init; }

    public int ItemsCompletedCount { get; init; }

    public int? PersonCount { get; init; }

    public int? ErrorCount { get; init; }

    public int? CorrectableCount { get; init; }

    public int? CannotAddToListCount { get; init; }

    public int ListCount { get; init; }
}

public sealed class ActivityPage
{
    public required IReadOnlyList<ActivityResource> Activities { get; init; }

    [JsonPropertyName("_links")]
    public Links? Links { get; init; }
}
