namespace ConstantContact.Sandbox.Activities;

/// <summary>An asynchronous bulk activity. Fields change under the database lock only.</summary>
public sealed class Activity
{
    public required Guid Id { get; init; }

    /// <summary>contacts_json_import, contacts_file_import or remove_list_memberships.</summary>
    public required string Type { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required IReadOnlyList<Guid> ListIds { get; init; }

    public string? SourceFileName { get; init; }

    /// <summary>When it turns from initialized to processing: half the activity delay after creation.</summary>
    public required DateTimeOffset StartAt { get; init; }

    /// <summary>When it may complete at the earliest: the whole activity delay after creation.</summary>
    public required DateTimeOffset DueAt { get; init; }

    public IActivityWork? Work { get; set; }

    public ActivityState State { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    public int ItemsTotalCount { get; set; }

    public int ItemsCompletedCount { get; set; }

    public int PersonCount { get; set; }

    public int ErrorCount { get; set; }

    public int CorrectableCount { get; set; }

    public int CannotAddToListCount { get; set; }

    /// <summary>Why rows were not imported, with how many: summed up into activity_errors at the end.</summary>
    public Dictionary<string, int> Problems { get; } = new(StringComparer.Ordinal);

    public List<string> Errors { get; } = [];

    public bool IsImport => Type is ActivityTypes.JsonImport or ActivityTypes.FileImport;

    public int PercentDone => State == ActivityState.Completed ? 100
        : ItemsTotalCount == 0 ? 0
        : (int)(100L * ItemsCompletedCount / ItemsTotalCount);

    public void AddProblem(string problem) =>
        Problems[problem] = Problems.GetValueOrDefault(problem) + 1;
}
