using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Sending;

public sealed class RunSenderTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly TimerClock time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly RunStore store;
    private readonly FakeImportApi api;
    private readonly List<SenderEvent> events = new();

    public RunSenderTests()
    {
        store = new RunStore(new StoragePaths(temp.Path));
        api = new FakeImportApi(time);
    }

    public void Dispose() => temp.Dispose();

    private string NewRun(int batches)
    {
        string runId = RunStore.NewRunId(time.GetUtcNow());
        string folder = store.Create(new RunManifest { RunId = runId, ExportName = "news", Connection = "c", StartedAt = time.GetUtcNow() });
        using var journal = RunJournal.Open(folder);
        journal.Append(new JournalEntry { Type = JournalEntryType.Staged, At = time.GetUtcNow(), BatchCount = batches, SubmittedCount = batches * 10, InputCount = batches * 10, BatchContacts = Enumerable.Repeat(10, batches).ToList() });
        return runId;
    }

    private async Task<(RunState State, RunStatus Status)> Send(string runId, bool noWait = false, CancellationToken cancellationToken = default, RunDeadline? deadline = null)
    {
        RunStatus status = store.Load(runId)!;
        using var journal = RunJournal.Open(store.FolderOf(runId));
        var context = new RunSendContext(
            status, journal, b => $"batch-{b}",
            () => new HashSet<string>(store.RunIds().SelectMany(id => store.Load(id)!.ActivityIds)),
            _ => Task.FromResult<IDisposable>(new NoLock()),
            b => FakeImportApi.ProbeEmails($"batch-{b}"));
        var sender = new RunSender(api, time, events.Add, deadline);
        Task<RunState> task = sender.SendAsync(context, noWait, cancellationToken);
        await time.DriveAsync(task);
        return (await task, store.Load(runId)!);
    }

    [Fact]
    public async Task A_server_that_loses_every_POST_is_tried_again_with_growing_waits_until_the_deadline_or_the_in_doubt_cap()
    {
        string runId = NewRun(1);
        for (int i = 0; i < 1000; i++)
        {
            api.Script.Enqueue(PostBehaviour.LoseBeforeAccepting);
        }

        using RunDeadline deadline = RunDeadline.Start(time, 10, name => name == RunDeadline.Variable ? "300" : null);
        var (state, status) = await Send(runId, deadline: deadline);

        // Whichever comes first ends the run, resumable: the deadline, or ten lost answers in a row for one batch.
        Assert.Equal(RunState.Stopped, state);
        Assert.True(status.IsUnfinished);
        Assert.True(
            deadline.Passed ? status.Message!.Contains("deadline (5 min 0 s)", StringComparison.Ordinal) : status.Message!.Contains("10 answers in a row were lost", StringComparison.Ordinal),
            status.Message);

        // Each try after the first waits the policy's back-off: at most its ceiling, which doubles to 30 s.
        var waits = events.Select(e => System.Text.RegularExpressions.Regex.Match(e.Message, @"^Batch 1: try (\d+) in ([\d.]+) s\.$"))
            .Where(m => m.Success)
            .Select(m => (Try: int.Parse(m.Groups[1].Value), Seconds: double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        int posts = 1000 - api.Script.Count;
        Assert.InRange(waits.Count, posts - 1, posts); // the last wait may be cut short by the deadline
        Assert.All(waits, w => Assert.InRange(w.Seconds, 0, ConstantContactExport.Engine.Http.RetryPolicy.Ceiling(w.Try - 1).TotalSeconds + 0.05));
        Assert.True(posts < 40, $"{posts} POSTs in 300 s");
    }

    [Fact]
    public async Task Without_a_deadline_a_user_stop_still_says_so()
    {
        string runId = NewRun(1);
        api.PollsToFinish = int.MaxValue;
        using var cancel = new CancellationTokenSource();
        Task<(RunState State, RunStatus Status)> sending = Send(runId, cancellationToken: cancel.Token);
        await Task.Delay(20);
        cancel.Cancel();
        var (state, status) = await sending;
        Assert.Equal(RunState.Stopped, state);
        Assert.StartsWith("Stopped by the user.", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sends_every_batch_once_and_waits_for_every_activity()
    {
        string runId = NewRun(3);
        var (state, status) = await Send(runId);
        Assert.Equal(RunState.Completed, state);
        Assert.Equal(3, api.Activities.Count);
        Assert.Equal(new[] { "batch-1", "batch-2", "batch-3" }, api.Activities.Select(a => a.Body));
        Assert.Equal(30, status.ImportedCount);
        Assert.Equal(RunState.Completed, status.State);
        Assert.False(status.IsUnfinished);
    }

    [Fact]
    public async Task A_lost_answer_for_an_accepted_batch_is_found_and_not_sent_again()
    {
        string runId = NewRun(3);
        api.Script.Enqueue(PostBehaviour.Accept);
        api.Script.Enqueue(PostBehaviour.AcceptThenLoseAnswer);
        var (state, status) = await Send(runId);
        Assert.Equal(RunState.Completed, state);
        Assert.Equal(3, api.Activities.Count);
        Assert.Equal(3, api.Activities.Select(a => a.Body).Distinct().Count());
        Assert.Equal(3, status.ActivityIds.Distinct().Count());
    }

    [Fact]
    public async Task A_batch_lost_before_it_was_accepted_is_sent_again()
    {
        string runId = NewRun(2);
        api.Script.Enqueue(PostBehaviour.LoseBeforeAccepting);
        var (state, _) = await Send(runId);
        Assert.Equal(RunState.Completed, state);
        Assert.Equal(new[] { "batch-1", "batch-2" }, api.Activities.Select(a => a.Body));
    }

    [Fact]
    public async Task Quota_stops_the_run_and_resume_sends_only_the_rest()
    {
        string runId = NewRun(3);
        api.Script.Enqueue(PostBehaviour.Accept);
        api.Script.Enqueue(PostBehaviour.QuotaExceeded);
        var (state, status) = await Send(runId);
        Assert.Equal(RunState.Stopped, state);
        Assert.Contains("00:00 UTC", status.Message);
        Assert.Contains("-Resume", status.Message);
        Assert.True(status.IsUnfinished);

        Assert.False(status.IsInDoubt(2));
        int requestsBefore = api.RequestCount;
        (state, status) = await Send(runId);
        Assert.Equal(RunState.Completed, state);
        Assert.Equal(new[] { "batch-1", "batch-2", "batch-3" }, api.Activities.Select(a => a.Body));
        Assert.Equal(2 + 1, api.RequestCount - requestsBefore); // two POSTs and one poll of the list; no look-up for a batch that was refused
    }

    [Fact]
    public async Task A_run_killed_after_its_post_claims_the_activity_on_resume()
    {
        string runId = NewRun(2);
        // The killed process journaled Sending for batch 1, and the server accepted it.
        using (var journal = RunJournal.Open(store.FolderOf(runId)))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = time.GetUtcNow(), Batch = 1 });
        }

        await api.CreateJsonImportAsync("batch-1", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        var (state, status) = await Send(runId);
        Assert.Equal(RunState.Completed, state);
        Assert.Equal(new[] { "batch-1", "batch-2" }, api.Activities.Select(a => a.Body));
        Assert.Equal(2, status.ActivityIds.Count);
    }

    [Fact]
    public async Task Another_runs_activity_is_never_claimed()
    {
        string other = NewRun(1);
        await Send(other);
        time.Advance(TimeSpan.FromSeconds(1));
        string runId = NewRun(1);
        using (var journal = RunJournal.Open(store.FolderOf(runId)))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = time.GetUtcNow() - TimeSpan.FromMinutes(1), Batch = 1 });
        }

        var (state, _) = await Send(runId);
        Assert.Equal(RunState.Completed, state);
        Assert.Equal(2, api.Activities.Count); // batch 1 of this run was sent, not matched to the other run's activity
    }

    [Fact]
    public async Task A_full_queue_is_waited_out()
    {
        string runId = NewRun(1);
        api.Script.Enqueue(PostBehaviour.QueueFull);
        var (state, _) = await Send(runId);
        Assert.Equal(RunState.Completed, state);
        Assert.Single(api.Activities);
        Assert.Contains(events, e => e.Kind == SenderEventKind.Warning && e.Message.Contains("queue"));
    }

    [Fact]
    public async Task NoWait_returns_submitted_and_a_refused_batch_fails_the_run()
    {
        var (state, status) = await Send(NewRun(2), noWait: true);
        Assert.Equal(RunState.Submitted, state);
        Assert.Equal(2, status.PendingActivities().Count());
        Assert.StartsWith("All 2 batches were submitted;", status.Message);

        (state, status) = await Send(NewRun(1), noWait: true);
        Assert.Equal(RunState.Submitted, state);
        Assert.StartsWith("The batch was submitted;", status.Message);

        api.Script.Enqueue(PostBehaviour.Refuse);
        (state, _) = await Send(NewRun(1));
        Assert.Equal(RunState.Failed, state);
    }

    [Fact]
    public async Task Failed_activities_fail_the_run_and_polling_backs_off()
    {
        api.PollsToFinish = 12;
        api.FinishState = "failed";
        var (state, _) = await Send(NewRun(1));
        Assert.Equal(RunState.Failed, state);
        // 1 POST and 12 polls: no poll storm while Constant Contact works.
        Assert.Equal(13, api.RequestCount);
    }

    [Theory]
    [InlineData("failed")]
    [InlineData("cancelled")]
    [InlineData("timed_out")]
    public async Task Every_final_state_but_completed_fails_the_run_with_a_message_that_says_what_to_do(string end)
    {
        api.FinishState = end;
        var (state, status) = await Send(NewRun(2));
        Assert.Equal(RunState.Failed, state);
        Assert.Equal(RunState.Failed, status.State);
        Assert.False(status.IsUnfinished);
        Assert.Contains($"did not finish 2 of 2 imports (2 {end})", status.Message, StringComparison.Ordinal);
        Assert.Contains("run the export again with the same input", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_stops_the_run_resumably()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var (state, status) = await Send(NewRun(1), cancellationToken: cts.Token);
        Assert.Equal(RunState.Stopped, state);
        Assert.True(status.IsUnfinished);
        Assert.Empty(api.Activities);
    }

    private sealed class NoLock : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
