using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Sending;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Sending;

/// <summary>What the fake server does with the next POST.</summary>
internal enum PostBehaviour
{
    Accept,
    AcceptThenLoseAnswer,
    LoseBeforeAccepting,
    QuotaExceeded,
    QueueFull,
    Refuse,
}

/// <summary>A Constant Contact that keeps activities in memory; each finishes after a set number of polls.</summary>
internal sealed class FakeImportApi : IImportApi
{
    private readonly FakeTimeProvider time;
    private readonly object gate = new();
    private int next;

    public FakeImportApi(FakeTimeProvider time)
    {
        this.time = time;
    }

    public Queue<PostBehaviour> Script { get; } = new();

    public List<(ActivityInfo Activity, string Body)> Activities { get; } = new();

    public int PollsToFinish { get; set; } = 1;

    public string FinishState { get; set; } = "completed";

    public int RequestCount { get; private set; }

    public TimeSpan ServerClockOffset => TimeSpan.Zero;

    private readonly Dictionary<string, int> polls = new();

    public Task<ActivityInfo> CreateJsonImportAsync(string bodyPath, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            PostBehaviour behaviour = Script.Count > 0 ? Script.Dequeue() : PostBehaviour.Accept;
            switch (behaviour)
            {
                case PostBehaviour.QuotaExceeded:
                    throw new QuotaExceededException();
                case PostBehaviour.QueueFull:
                    throw new ActivityQueueFullException("full");
                case PostBehaviour.LoseBeforeAccepting:
                    throw new ImportInDoubtException("The connection was reset.");
                case PostBehaviour.Refuse:
                    throw new ImportRefusedException(400, "contacts.api.bad.request", "Refused.");
            }

            var activity = new ActivityInfo { ActivityId = $"act-{++next}", State = "initialized", CreatedAt = time.GetUtcNow() };
            Activities.Add((activity, bodyPath));
            polls[activity.ActivityId] = 0;
            if (behaviour == PostBehaviour.AcceptThenLoseAnswer)
            {
                throw new ImportInDoubtException("The connection was reset before the answer.");
            }

            return Task.FromResult(Copy(activity));
        }
    }

    public Task<ActivityInfo> GetActivityAsync(string activityId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            return Task.FromResult(Copy(Poll(Activities.Single(a => a.Activity.ActivityId == activityId).Activity)));
        }
    }

    public Task<IReadOnlyList<ActivityInfo>> ListActivitiesAsync(int limit, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            IReadOnlyList<ActivityInfo> list = Activities.Select(a => Copy(Poll(a.Activity))).Reverse().Take(limit).ToList();
            return Task.FromResult(list);
        }
    }

    private ActivityInfo Poll(ActivityInfo activity)
    {
        if (!activity.IsFinished && ++polls[activity.ActivityId] >= PollsToFinish)
        {
            activity.State = FinishState;
            activity.PersonCount = 10;
            activity.ErrorCount = 0;
            activity.CorrectableCount = 0;
            activity.CannotAddToListCount = 0;
        }

        return activity;
    }

    private static ActivityInfo Copy(ActivityInfo a) => new()
    {
        ActivityId = a.ActivityId, State = a.State, CreatedAt = a.CreatedAt, PersonCount = a.PersonCount,
        ErrorCount = a.ErrorCount, CorrectableCount = a.CorrectableCount, CannotAddToListCount = a.CannotAddToListCount,
    };
}
