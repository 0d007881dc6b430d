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

    private readonly ContactDatabase _db;
    private readonly TimeProvider _time;
    private readonly TimeSpan _delay;
    private readonly Channel<Activity> _queue = Channel.CreateUnbounded<Activity>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<Guid, Activity> _byId = [];
    private readonly List<Activity> _order = [];
    private int _queued;

    public ActivityStore(ContactDatabase db, TimeProvider time, int delayMs)
    {
        _db = db;
        _time = time;
        _delay = TimeSpan.FromMilliseconds(delayMs);
    }

    public ChannelReader<Activity> Queue => _queue.Reader;

    /// <summary>Creates and queues an activity; null when 1,000 are already queued.</summary>
    public Activity? TryEnqueue(string type, IReadOnlyList<Guid> listIds, string? sourceFileName, int itemsTotal, IActivityWork work)
    {
        lock (_db.Gate)
        {
            if (_queued >= MaxQueued)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            var activity = new Activity
            {
                Id = Guid.NewGuid(),
                Type = type,
                CreatedAt = Timestamps.Now(_time),
                ListIds = listIds,
                SourceFileName = sourceFileName,
                StartAt = now + (_delay / 2),
                DueAt = now + _delay,
                Work = work,
                ItemsTotalCount = itemsTotal,
            };
            activity.UpdatedAt = activity.CreatedAt;
            _byId.Add(activity.Id, activity);
            _order.Add(activity);
            _queued++;
            _queue.Writer.TryWrite(activity);
            return activity;
        }
    }

    /// <summary>Gives the activity its final state: completed, or one that a fault chose.</summary>
    public void MarkFinished(Activity activity, ActivityState end)
    {
        lock (_db.Gate)
        {
            activity.State = end;
            activity.CompletedAt = Timestamps.Now(_time);
            activity.UpdatedAt = activity.CompletedAt.Value;
            activity.ItemsCompletedCount = end == ActivityState.Completed ? activity.ItemsTotalCount : 0;
            foreach (var (problem, count) in activity.Problems.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                activity.Errors.Add($"{count} {(count == 1 ? "row" : "rows")}: {problem}");
            }

            _queued--;
        }
    }

    public Activity? Find(Guid id)
    {
        lock (_db.Gate)
        {
            return _byId.TryGetValue(id, out var activity) && IsRetained(activity) ? activity : null;
        }
    }

    /// <summary>Newest first, within the retention period.</summary>
    public IEnumerable<Activity> Recent()
    {
        lock (_db.Gate)
        {
            return Enumerable.Range(0, _order.Count).Select(i => _order[_order.Count - 1 - i]).Where(IsRetained).ToArray();
        }
    }

    public IReadOnlyList<Activity> All()
    {
        lock (_db.Gate)
        {
            return _order.ToArray();
        }
    }

    private bool IsRetained(Activity activity) => _time.GetUtcNow().UtcDateTime - activity.CreatedAt < Retention;
}
