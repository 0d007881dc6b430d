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
    private readonly ActivityStore store;
    private readonly ContactDatabase db;
    private readonly TimeProvider time;
    private readonly ActivityEndFaults ends;
    private readonly ILogger<ActivityProcessor> logger;

    public ActivityProcessor(ActivityStore store, ContactDatabase db, TimeProvider time, ActivityEndFaults ends, ILogger<ActivityProcessor> logger)
    {
        this.store = store;
        this.db = db;
        this.time = time;
        this.ends = ends;
        this.logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var activity in store.Queue.ReadAllAsync(stoppingToken))
            {
                await WaitUntilAsync(activity.StartAt, stoppingToken);
                lock (db.Gate)
                {
                    activity.State = ActivityState.Processing;
                    activity.StartedAt = Timestamps.Now(time);
                    activity.UpdatedAt = activity.StartedAt.Value;
                }

                var end = ends.Next();
                if (end != ActivityState.Completed)
                {
                    lock (db.Gate)
                    {
                        activity.Errors.Add(ActivityEndFaults.Message(end));
                    }

                    activity.Work = null;
                    _ = FinishAsync(activity, end, stoppingToken);
                    continue;
                }

                try
                {
                    activity.Work?.Run(activity, db, time);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A sandbox bug must not stop the queue; the activity says what happened.
                    logger.LogError(ex, "Activity {ActivityId} failed.", activity.Id);
                    lock (db.Gate)
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
            store.MarkFinished(activity, end);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private Task WaitUntilAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        var wait = due - time.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }
}
