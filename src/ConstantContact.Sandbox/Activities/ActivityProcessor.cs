using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Activities;

/// <summary>
/// Runs queued activities one after another, as an account's activities run in Constant Contact. Each one
/// stays initialized for half the activity delay, then processes; it completes once its rows are applied and
/// the whole delay has passed. The wait before completion does not hold up the next activity.
/// </summary>
public sealed class ActivityProcessor : BackgroundService
{
    private readonly ActivityStore _store;
    private readonly ContactDatabase _db;
    private readonly TimeProvider _time;
    private readonly ILogger<ActivityProcessor> _logger;

    public ActivityProcessor(ActivityStore store, ContactDatabase db, TimeProvider time, ILogger<ActivityProcessor> logger)
    {
        _store = store;
        _db = db;
        _time = time;
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
                _ = CompleteAsync(activity, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task CompleteAsync(Activity activity, CancellationToken stoppingToken)
    {
        try
        {
            await WaitUntilAsync(activity.DueAt, stoppingToken);
            _store.MarkCompleted(activity);
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
