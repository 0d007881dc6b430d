using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Sending;

/// <summary>
/// A lost import answer: the activity is claimed only when it is provably the batch's; otherwise the batch is sent
/// again (imports are upserts: twice is safe, lost is not).
/// </summary>
public sealed class InDoubtLookupTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RunStore store;
    private readonly FakeImportApi api;

    public InDoubtLookupTests()
    {
        store = new RunStore(new StoragePaths(temp.Path));
        api = new FakeImportApi(time);
        api.ListsOfBody = body => store.Load(body.Split('/')[0])!.Manifest.ListIds;
    }

    public void Dispose() => temp.Dispose();

    private string NewRun(int batches, int lists = 1, ulong? batchLists = null)
    {
        time.Advance(TimeSpan.FromSeconds(1));
        string runId = RunStore.NewRunId(time.GetUtcNow());
        var listIds = Enumerable.Range(1, lists).Select(i => Guid.NewGuid().ToString()).ToList();
        string folder = store.Create(new RunManifest { RunId = runId, ExportName = "news", Connection = "c", StartedAt = time.GetUtcNow(), ListIds = listIds });
        using var journal = RunJournal.Open(folder);
        journal.Append(new JournalEntry { Type = JournalEntryType.Staged, At = time.GetUtcNow(), BatchCount = batches, SubmittedCount = batches * 10, InputCount = batches * 10, BatchContacts = Enumerable.Repeat(10, batches).ToList(), BatchLists = batchLists is { } bits ? Enumerable.Repeat(bits, batches).ToList() : null });
        return runId;
    }

    private async Task<(RunState State, RunStatus Status)> Send(string runId)
    {
        RunStatus status = store.Load(runId)!;
        using var journal = RunJournal.Open(store.FolderOf(runId));
        var context = new RunSendContext(
            status, journal, b => $"{runId}/batch-{b}",
            () => new HashSet<string>(store.RunIds().SelectMany(id => store.Load(id)!.ActivityIds)),
            _ => Task.FromResult<IDisposable>(new NoLock()),
            b => FakeImportApi.ProbeEmails($"{runId}/batch-{b}"));
        Task<RunState> task = new RunSender(api, time).SendAsync(context, noWait: false, CancellationToken.None);
        while (!task.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(1);
        }

        return (await task, store.Load(runId)!);
    }

    private List<string> SentBodies(string runId) => api.Activities.Where(a => a.Body.StartsWith(runId, StringComparison.Ordinal)).Select(a => a.Body).ToList();

    private List<string?> ResendReasons(string runId) =>
        RunJournal.Read(store.FolderOf(runId)).Where(e => e.Type == JournalEntryType.Sending && e.Message is not null).Select(e => e.Message).ToList();

    [Fact]
    public async Task The_lookup_pages_through_links_next_back_to_the_post_and_adopts_the_one_match()
    {
        api.ListCount = 1;
        api.MaxPageSize = 2;

        // Ten old imports of another application, long before the run: the look-up stops paging once it reaches them.
        for (int i = 0; i < 10; i++)
        {
            api.AddForeign(time.GetUtcNow() - TimeSpan.FromHours(1), 10, 1);
        }

        string runId = NewRun(1);

        // Five imports of another application, of other sizes, listed before ours (created as the answer was lost).
        for (int i = 0; i < 5; i++)
        {
            api.AddForeign(time.GetUtcNow() + TimeSpan.FromSeconds(1), 11 + i, 1);
        }

        api.Script.Enqueue(PostBehaviour.AcceptThenLoseAnswer);
        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Completed, state);
        Assert.Single(SentBodies(runId)); // found, not sent again
        string ours = api.Activities.Single(a => a.Body.StartsWith(runId, StringComparison.Ordinal)).Activity.ActivityId;
        Assert.Equal(new[] { ours }, status.ActivityIds);

        // Pages of 500 asked for; the server gave 2 a page: 5 newer + ours, then the first old one ends the look-up.
        Assert.All(api.PagesRead, p => Assert.Equal(500, p.Limit));
        Assert.Equal(new string?[] { null, "/v3/activities?cursor=2", "/v3/activities?cursor=4", "/v3/activities?cursor=6" }, api.PagesRead.Select(p => p.Next));
        Assert.Equal(10, status.ImportedCount);
    }

    [Fact]
    public async Task Two_alike_candidates_send_the_batch_again()
    {
        api.ListCount = 1;
        string runId = NewRun(1);
        ActivityInfo foreign = api.AddForeign(time.GetUtcNow() + TimeSpan.FromSeconds(1), 10, 1);
        api.Script.Enqueue(PostBehaviour.AcceptThenLoseAnswer);

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Completed, state);
        Assert.Equal(2, SentBodies(runId).Count); // sent again: neither can be proven ours
        Assert.DoesNotContain(foreign.ActivityId, status.ActivityIds);
        Assert.Contains(ResendReasons(runId), m => m!.Contains("2 unclaimed activities alike"));
    }

    [Theory]
    [InlineData(0)] // none of the batch's contacts was in the account
    [InlineData(1)] // its first contact is on the run's list from an earlier night, unchanged since
    [InlineData(2)] // ... and the other home's import holds that same person, so it changed just now
    [InlineData(3)] // every probe is on the list from an earlier night, unchanged since
    public async Task An_alike_import_of_another_home_made_while_ours_was_lost_is_not_adopted(int known)
    {
        // The red team's case: our POST never arrived; another home, on the same account, imported as many contacts
        // to as many lists (its own) meanwhile. Its activity is the only alike one, but it did not put our contacts on
        // our list after our POST: sent again, never claimed.
        api.ListCount = 1;
        string runId = NewRun(1);
        IReadOnlyList<string> probes = FakeImportApi.ProbeEmails($"{runId}/batch-1");
        IReadOnlyList<string> lists = store.Load(runId)!.Manifest.ListIds;
        DateTimeOffset lastNight = time.GetUtcNow() - TimeSpan.FromDays(1);
        foreach (string probe in probes.Take(known == 3 ? 3 : Math.Min(known, 1)))
        {
            api.Contacts[probe] = new ContactState(lists, known == 2 ? time.GetUtcNow() + TimeSpan.FromSeconds(1) : lastNight);
        }

        ActivityInfo foreign = api.AddForeign(time.GetUtcNow() + TimeSpan.FromSeconds(1), 10, 1);
        api.Script.Enqueue(PostBehaviour.LoseBeforeAccepting);

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Completed, state);
        Assert.DoesNotContain(foreign.ActivityId, status.ActivityIds);
        Assert.Single(SentBodies(runId)); // the second try, accepted
        Assert.Equal(new[] { SentBodyActivity(runId) }, status.ActivityIds);
        Assert.Contains(ResendReasons(runId), m => m!.Contains(known == 3 ? "has not changed since the batch was sent" : known == 1 ? "has not changed since" : "is not in the account"));
    }

    [Fact]
    public async Task An_alike_import_to_other_lists_is_not_adopted()
    {
        api.ListCount = 1;
        string runId = NewRun(1);
        ActivityInfo foreign = api.AddForeign(time.GetUtcNow() + TimeSpan.FromSeconds(1), 10, 1);
        // The same people are in the other home's segment: its import changed our contacts, on its own list.
        foreach (string probe in FakeImportApi.ProbeEmails($"{runId}/batch-1"))
        {
            api.Contacts[probe] = new ContactState(new[] { Guid.NewGuid().ToString() }, time.GetUtcNow() + TimeSpan.FromSeconds(1));
        }

        api.Script.Enqueue(PostBehaviour.LoseBeforeAccepting);

        var (_, status) = await Send(runId);

        Assert.DoesNotContain(foreign.ActivityId, status.ActivityIds);
        Assert.Contains(ResendReasons(runId), m => m!.Contains("is not on every list of its import"));
    }

    [Fact]
    public async Task A_lost_answer_of_an_import_to_some_of_the_runs_lists_is_proven_against_that_imports_lists()
    {
        // Per-segment lists: the run has two lists, this body names the second only (list_count 1), and its contacts
        // are on that one list only.
        api.ListCount = 1;
        string runId = NewRun(1, lists: 2, batchLists: 2);
        string second = store.Load(runId)!.Manifest.ListIds[1];
        api.ListsOfBody = _ => new[] { second };
        api.Script.Enqueue(PostBehaviour.AcceptThenLoseAnswer);

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Completed, state);
        Assert.Single(SentBodies(runId)); // found and proven, not sent again
        Assert.Equal(new[] { SentBodyActivity(runId) }, status.ActivityIds);
    }

    [Fact]
    public void The_probes_are_spread_from_the_first_contact_to_the_last()
    {
        string body = Path.Combine(store.FolderOf(NewRun(1)), "probe-body.json");
        string Contacts(int n) => string.Join(",", Enumerable.Range(0, n).Select(i => $"{{\"email\":\"c{i}@example.com\",\"first_name\":\"x\"}}"));
        File.WriteAllText(body, "{\"import_data\":[" + Contacts(10) + "],\"list_ids\":[\"l1\"]}");
        Assert.Equal(new[] { "c0@example.com", "c2@example.com", "c4@example.com", "c6@example.com", "c9@example.com" }, ExportRun.ProbeEmailsOf(body));
        File.WriteAllText(body, "{\"list_ids\":[\"l1\"],\"import_data\":[" + Contacts(2) + "]}");
        Assert.Equal(new[] { "c0@example.com", "c1@example.com" }, ExportRun.ProbeEmailsOf(body));
        File.WriteAllText(body, "{\"import_data\":[");
        Assert.Empty(ExportRun.ProbeEmailsOf(body));
        Assert.Empty(ExportRun.ProbeEmailsOf(body + ".gone"));
    }

    [Fact]
    public async Task Our_lost_answer_is_adopted_once_its_import_has_finished_and_put_our_contact_on_our_list()
    {
        api.ListCount = 1;
        api.PollsToFinish = 3; // still processing at the look-up: waited for
        string runId = NewRun(1);
        api.Script.Enqueue(PostBehaviour.AcceptThenLoseAnswer);

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Completed, state);
        Assert.Single(SentBodies(runId));
        Assert.Equal(new[] { SentBodyActivity(runId) }, status.ActivityIds);
    }

    private string SentBodyActivity(string runId) => api.Activities.Single(a => a.Body.StartsWith(runId, StringComparison.Ordinal)).Activity.ActivityId;

    [Theory]
    [InlineData(11, 1)] // one contact more
    [InlineData(9, 1)] // one contact fewer
    [InlineData(10, 2)] // to two lists, the run's body has one
    public async Task An_import_of_other_counts_is_never_adopted(long contacts, long lists)
    {
        api.ListCount = 1;
        string runId = NewRun(1);
        ActivityInfo foreign = api.AddForeign(time.GetUtcNow() + TimeSpan.FromSeconds(1), contacts, lists);
        api.Script.Enqueue(PostBehaviour.LoseBeforeAccepting);

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Completed, state);
        Assert.Single(SentBodies(runId)); // the lost one never arrived; the second did
        Assert.DoesNotContain(foreign.ActivityId, status.ActivityIds);
        Assert.Contains(ResendReasons(runId), m => m!.Contains("no unclaimed import of 10 contacts to 1 list(s)"));
    }

    [Fact]
    public async Task An_activity_another_run_claims_is_never_adopted()
    {
        api.ListCount = 1;
        string other = NewRun(1);
        await Send(other);
        string otherActivity = Assert.Single(store.Load(other)!.ActivityIds);

        // This run's POST is lost before it arrives, within the window of the other run's activity.
        string runId = NewRun(1);
        using (var journal = RunJournal.Open(store.FolderOf(runId)))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = time.GetUtcNow() - TimeSpan.FromSeconds(2), Batch = 1 });
        }

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Completed, state);
        Assert.Single(SentBodies(runId));
        Assert.DoesNotContain(otherActivity, status.ActivityIds);
        Assert.Empty(status.ActivityIds.Intersect(store.Load(other)!.ActivityIds));
    }

    [Fact]
    public async Task An_alike_import_made_just_before_the_post_is_not_taken_for_ours()
    {
        // A neighbour's lost import three seconds before ours (inside the clock tolerance twice over): ours was lost
        // before it arrived, so the neighbour's is the only candidate, and still it is not adopted.
        api.ListCount = 1;
        string runId = NewRun(1);
        ActivityInfo neighbour = api.AddForeign(time.GetUtcNow() - TimeSpan.FromSeconds(3), 10, 1);
        api.Script.Enqueue(PostBehaviour.LoseBeforeAccepting);

        var (_, status) = await Send(runId);

        Assert.Single(SentBodies(runId));
        Assert.DoesNotContain(neighbour.ActivityId, status.ActivityIds);
        Assert.Contains(ResendReasons(runId), m => m!.Contains("created just before it was sent"));
    }

    [Fact]
    public async Task An_answer_without_an_activity_id_is_in_doubt_and_looked_up()
    {
        api.ListCount = 1;
        string runId = NewRun(2);
        api.Script.Enqueue(PostBehaviour.AcceptWithEmptyAnswer);

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Completed, state);
        Assert.Equal(2, SentBodies(runId).Count); // batch 1 found, not sent again
        Assert.Equal(2, status.ActivityIds.Count);
        Assert.All(status.ActivityIds, id => Assert.True(Guid.TryParse(id, out _)));
        Assert.DoesNotContain(RunJournal.Read(store.FolderOf(runId)), e => e.Type == JournalEntryType.Submitted && string.IsNullOrEmpty(e.ActivityId));
        Assert.Equal(20, status.ImportedCount);
    }

    [Fact]
    public async Task Answers_lost_again_and_again_stop_the_run_resumably()
    {
        string runId = NewRun(1);
        for (int i = 0; i < 10; i++)
        {
            api.Script.Enqueue(PostBehaviour.LoseBeforeAccepting);
        }

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Stopped, state);
        Assert.True(status.IsUnfinished);
        Assert.True(status.IsInDoubt(1));
        Assert.Contains("10 answers in a row", status.Message);
    }

    [Fact]
    public async Task An_answer_that_is_not_the_apis_is_looked_up_then_stops_the_run_resumably_without_sending_again()
    {
        string runId = NewRun(2);
        api.Script.Enqueue(PostBehaviour.AnswerHtmlPage);

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.Stopped, state);
        Assert.NotEmpty(api.PagesRead); // looked up
        Assert.Equal(1, api.Posts); // not sent into the page again
        Assert.True(status.IsInDoubt(1));
        Assert.Contains("text/html", status.Message);

        // Once the page is gone, -Resume looks the batch up, finds nothing, and sends both.
        var (resumed, after) = await Send(runId);
        Assert.Equal(RunState.Completed, resumed);
        Assert.Equal(3, api.Posts);
        Assert.Equal(2, SentBodies(runId).Count);
        Assert.Equal(20, after.ImportedCount);
    }

    [Fact]
    public async Task Contacts_no_activity_counts_are_never_called_completed()
    {
        string runId = NewRun(2);
        api.ContactsPerBody = 9; // Constant Contact took 9 of each body's 10 contacts and reports no error for the 10th

        var (state, status) = await Send(runId);

        Assert.Equal(RunState.CompletedWithErrors, state);
        Assert.Equal(18, status.ImportedCount);
        Assert.Contains("2 contacts sent are in no activity's counts", status.Message);
    }

    [Fact]
    public async Task A_listing_that_repeats_an_activity_does_not_end_the_run()
    {
        api.RepeatInListing = true;
        var (state, status) = await Send(NewRun(3));
        Assert.Equal(RunState.Completed, state);
        Assert.Equal(30, status.ImportedCount);
    }

    [Fact]
    public void A_submitted_line_without_an_activity_id_leaves_the_batch_in_doubt()
    {
        string runId = NewRun(1);
        using (var journal = RunJournal.Open(store.FolderOf(runId)))
        {
            journal.Append(new JournalEntry { Type = JournalEntryType.Sending, At = time.GetUtcNow(), Batch = 1 });
            journal.Append(new JournalEntry { Type = JournalEntryType.Submitted, At = time.GetUtcNow(), Batch = 1, ActivityId = string.Empty });
        }

        RunStatus status = store.Load(runId)!;
        Assert.True(status.IsInDoubt(1));
        Assert.Empty(status.ActivityIds);
        Assert.Empty(status.PendingActivities());
    }

    private sealed class NoLock : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
