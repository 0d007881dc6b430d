using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ConstantContact.Sandbox.Contacts;
using ConstantContact.Sandbox.Faults;

namespace ConstantContact.Sandbox.Activities;

/// <summary>
/// Runs queued activities one after another, as an account's activities run in Constant Contact. Each one
/// stays initialized for half the activity delay, then processes; it completes once its rows are applied and
/// the whole delay has passed. The wait before completion does not hold up the next activity. An activity that
/// <see cref="ActivityEndFaults"/> makes cancelled, failed or timed_out applies nothing and says so in activity_errors.
/// </summary>
public sealed class ActivityProcessor : BackgroundService
{
    private readonly ActivityStore _store;
    private readonly ContactDatabase _db;
    private readonly TimeProvider _time;
    private readonly ActivityEndFaults _ends;
    private readonly ILogger<ActivityProcessor> _logger;

    public ActivityProcessor(ActivityStore store, ContactDatabase db, TimeProvider time, ActivityEndFaults ends, ILogger<ActivityProcessor> logger)
    {
        _store = store;
        _db = db;
        _time = time;
        _ends = ends;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var activity in _store.Queue.ReadAllAsync(stoppingToken))
            {
                await WaitUntilAsync(activity.StartAt, stoppingToken);
                lock (_db.Gate)
                {
                    activity.State = ActivityState.Processing;
                    activity.StartedAt = Timestamps.Now(_time);
                    activity.UpdatedAt = activity.StartedAt.Value;
                }

                var end = _ends.Next();
                if (end != ActivityState.Completed)
                {
                    lock (_db.Gate)
                    {
                        activity.Errors.Add(ActivityEndFaults.Message(end));
                    }

                    activity.Work = null;
                    _ = FinishAsync(activity, end, stoppingToken);
                    continue;
                }

                try
                {
                    activity.Work?.Run(activity, _db, _time);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A sandbox bug must not stop the queue; the activity says what happened.
                    _logger.LogError(ex, "Activity {ActivityId} failed.", activity.Id);
                    lock (_db.Gate)
                    {
                        activity.Errors.Add("Sandbox error: " + ex.Message);
                    }
                }

                activity.Work = null;
                _ = FinishAsync(activity, ActivityState.Completed, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task FinishAsync(Activity activity, ActivityState end, CancellationToken stoppingToken)
    {
        try
        {
            await WaitUntilAsync(activity.DueAt, stoppingToken);
            _store.MarkFinished(activity, end);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private Task WaitUntilAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        var wait = due - _time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, _time, cancellationToken) : Task.CompletedTask;
    }
}
