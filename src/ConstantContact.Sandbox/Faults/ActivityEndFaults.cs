using ConstantContact.Sandbox.Activities;

namespace ConstantContact.Sandbox.Faults;

/// <summary>
/// How the next activities end, in the order they are processed: the final states Constant Contact can give
/// besides completed (cancelled, failed, timed_out). Once the list is used up activities complete again.
/// </summary>
public sealed class ActivityEndFaults
{
    public static readonly IReadOnlyList<string> Names = ["cancelled", "failed", "timed_out"];

    private readonly object gate = new();
    private readonly Queue<ActivityState> ends = new();

    public ActivityEndFaults(IEnumerable<ActivityState>? ends = null)
    {
        Add(ends ?? []);
    }

    public void Add(IEnumerable<ActivityState> ends)
    {
        lock (gate)
        {
            foreach (var end in ends)
            {
                this.ends.Enqueue(end);
            }
        }
    }

    /// <summary>How the activity being processed now ends.</summary>
    public ActivityState Next()
    {
        lock (gate)
        {
            return this.ends.Count > 0 ? this.ends.Dequeue() : ActivityState.Completed;
        }
    }

    public IReadOnlyList<string> Pending()
    {
        lock (gate)
        {
            return this.ends.Select(ActivityResource.StateName).ToArray();
        }
    }

    public static ActivityState Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "cancelled" => ActivityState.Cancelled,
        "failed" => ActivityState.Failed,
        "timed_out" => ActivityState.TimedOut,
        _ => throw new ArgumentException($"Unknown activity end '{name}'; known: {string.Join(",", Names)}."),
    };

    public static IReadOnlyList<ActivityState> ParseList(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToArray();

    /// <summary>The activity_errors line of an activity that did not complete (the real wording is not documented).</summary>
    public static string Message(ActivityState end) => end switch
    {
        ActivityState.Cancelled => "The activity was cancelled before it finished. (sandbox fault)",
        ActivityState.TimedOut => "The activity timed out before it finished. (sandbox fault)",
        _ => "The activity failed: an unexpected error occurred while processing it. (sandbox fault)",
    };
}
