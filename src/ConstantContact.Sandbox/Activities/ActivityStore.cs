using System.Threading.Channels;
using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Activities;

/// <summary>
/// Every activity, and the queue the processor takes them from in order. Guarded by the database lock, so
/// that an activity's counts and the contacts they describe are always read together.
/// </summary>
public sealed class ActivityStore
{
    public const int MaxQueued = 1_000;

    /// <summary>"An activity status is retained for 10 days."</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(10);

    private readonly ContactDatabase db;
    private readonly TimeProvider time;
    private readonly TimeSpan delay;
    private readonly Channel<Activity> queue = Channel.CreateUnbounded<Activity>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<Guid, Activity> byId = [];
    private readonly List<Activity> order = [];
    private int queued;

    public ActivityStore(ContactDatabase db, TimeProvider time, int delayMs)
    {
        this.db = db;
        this.time = time;
        this.delay = TimeSpan.FromMilliseconds(delayMs);
    }

    public ChannelReader<Activity> Queue => this.queue.Reader;

    /// <summary>Creates and queues an activity; null when 1,000 are already queued.</summary>
    public Activity? TryEnqueue(string type, IReadOnlyList<Guid> listIds, string? sourceFileName, int itemsTotal, IActivityWork work)
    {
        lock (db.Gate)
        {
            if (this.queued >= MaxQueued)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var activity = new Activity
            {
                Id = Guid.NewGuid(),
                Type = type,
                CreatedAt = Timestamps.Now(time),
                ListIds = listIds,
                SourceFileName = sourceFileName,
                StartAt = now + (delay / 2),
                DueAt = now + delay,
                Work = work,
                ItemsTotalCount = itemsTotal,
            };
            activity.UpdatedAt = activity.CreatedAt;
            byId.Add(activity.Id, activity);
            this.order.Add(activity);
            this.queued++;
            this.queue.Writer.TryWrite(activity);
            return activity;
        }
    }

    /// <summary>Gives the activity its final state: completed, or one that a fault chose.</summary>
    public void MarkFinished(Activity activity, ActivityState end)
    {
        lock (db.Gate)
        {
            activity.State = end;
            activity.CompletedAt = Timestamps.Now(time);
            activity.UpdatedAt = activity.CompletedAt.Value;
            activity.ItemsCompletedCount = end == ActivityState.Completed ? activity.ItemsTotalCount : 0;
            foreach (var (problem, count) in activity.Problems.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                activity.Errors.Add($"{count} {(count == 1 ? "row" : "rows")}: {problem}");
            }

            this.queued--;
        }
    }

    public Activity? Find(Guid id)
    {
        lock (db.Gate)
        {
            return byId.TryGetValue(id, out var activity) && IsRetained(activity) ? activity : null;
        }
    }

    /// <summary>Newest first, within the retention period.</summary>
    public IEnumerable<Activity> Recent()
    {
        lock (db.Gate)
        {
            return Enumerable.Range(0, this.order.Count).Select(i => this.order[this.order.Count - 1 - i]).Where(IsRetained).ToArray();
        }
    }

    public IReadOnlyList<Activity> All()
    {
        lock (db.Gate)
        {
            return this.order.ToArray();
        }
    }

    private bool IsRetained(Activity activity) => time.GetUtcNow().UtcDateTime - activity.CreatedAt < Retention;
}
