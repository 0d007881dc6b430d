using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Runs;

namespace ConstantContactExport.Engine.Sending;

/// <summary>
/// Sends a staged run: submits each batch that has no activity yet, then waits for every activity in one
/// polling loop. Everything it learns goes into the journal before it acts on it, so a run killed at any
/// point resumes without sending a batch twice:
/// a batch is journaled Sending before its POST and Submitted with its activity id after; a batch found
/// Sending without Submitted (a lost answer, an answer without an activity id, a crash mid-request) is looked up
/// in GET /activities, and an activity is claimed only when it is provably the batch's (see
/// <see cref="FindAcceptedAsync"/>). In doubt the batch is sent again: imports are upserts, so twice is safe and
/// lost is not.
/// </summary>
public sealed class RunSender
{
    /// <summary>How far the server's created_at may lie before our Sending time and still be ours (clock granularity).</summary>
    internal static readonly TimeSpan CreatedAtTolerance = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(500);

    // After the first look: once more soon (the rate limit's spacing), since the last import, posted a moment
    // before, is often nearly done; then as before: FirstPollDelay after a look that found an activity finished,
    // backing off by 1.6 while nothing changes. One look more a run, not one more an activity.
    private static readonly TimeSpan SoonPollDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan QueueFullDelay = TimeSpan.FromSeconds(30);

    /// <summary>Pages of 500 the look-up reads at most (the API keeps 10 days of activities); beyond, the batch is sent again.</summary>
    private const int MaxLookupPages = 20;

    /// <summary>Answers in a row for one batch that were lost or named no activity before the run stops (resumable).</summary>
    private const int MaxInDoubtSends = 10;

    /// <summary>Looks at a candidate import before its contacts are checked: 1, 2, 4, 8, 16, 16, 16 s, about a minute.</summary>
    private const int ProofPolls = 7;

    private static TimeSpan ProofPollDelay(int poll) => TimeSpan.FromSeconds(Math.Min(16, 1 << poll));

    private readonly IImportApi api;
    private readonly TimeProvider time;
    private readonly Action<SenderEvent> tell;
    private readonly Http.RetryPolicy retry;
    private readonly RunDeadline? deadline;
    private int requestsAtStart;

    /// <param name="api">The import API.</param>
    /// <param name="time">The clock for waits and journal times.</param>
    /// <param name="tell">Where progress, warnings and verbose lines go.</param>
    /// <param name="deadline">When this invocation stops, resumable (null: only when cancelled).</param>
    public RunSender(IImportApi api, TimeProvider time, Action<SenderEvent>? tell = null, RunDeadline? deadline = null)
    {
        this.api = api;
        this.time = time;
        this.tell = tell ?? (_ => { });
        this.deadline = deadline;
        retry = new Http.RetryPolicy(time);
    }

    /// <summary>Submits and, unless <paramref name="noWait"/>, waits; returns the state journaled last.</summary>
    public async Task<RunState> SendAsync(RunSendContext run, bool noWait, CancellationToken cancellationToken)
    {
        requestsAtStart = api.RequestCount;
        using CancellationTokenSource stop = WithDeadline(cancellationToken);
        return await SendRestAsync(run, noWait, stop.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends each body as soon as the staging has finished it (<paramref name="feed"/>), while the rest of the input is
    /// still being read; once the feed is complete (the run journaled Staged), goes on as <see cref="SendAsync"/>.
    /// Each body's fingerprint is journaled before it is first sent (BatchStaged), so that a run killed before it was
    /// staged can be staged again and resumed without sending anything twice. At the first definite stop (quota,
    /// refusal, Constant Contact unavailable) nothing more is sent, but bodies are still taken until the staging ends,
    /// so that the run is staged, whole, and can be resumed.
    /// </summary>
    /// <param name="run">The run, not yet staged and with nothing sent.</param>
    /// <param name="feed">The bodies as the staging finishes them.</param>
    /// <param name="gate">The run's limits: a body is refused when it would take the run past MaxProfiles (the input grew
    /// while it was read), held back while the reject share so far is over MaxRejectPercent (held bodies go out, in order,
    /// once it is not), and a verdict set before the feed ends says whether the rest goes out at all.</param>
    /// <param name="noWait">Return once every batch is submitted.</param>
    /// <param name="cancellationToken">Ctrl+C, or the staging failing.</param>
    public async Task<RunState> SendWhileStagingAsync(RunSendContext run, StagedBatchFeed feed, ISendGate gate, bool noWait, CancellationToken cancellationToken)
    {
        using CancellationTokenSource stop = WithDeadline(cancellationToken);
        return await SendWhileStagingCoreAsync(run, feed, gate, noWait, stop.Token).ConfigureAwait(false);
    }

    private async Task<RunState> SendWhileStagingCoreAsync(RunSendContext run, StagedBatchFeed feed, ISendGate gate, bool noWait, CancellationToken cancellationToken)
    {
        requestsAtStart = api.RequestCount;
        long contactsSent = 0;
        int importsSent = 0;
        var held = new Queue<ImportBatch>();

        // Set at the first reason to send nothing more: how the run ends once the staging has.
        (RunState State, string Message)? end = null;
        try
        {
            while (await feed.NextAsync(cancellationToken).ConfigureAwait(false) is ImportBatch next)
            {
                if (end is not null)
                {
                    continue;
                }

                held.Enqueue(next);
                while (end is null && held.Count > 0 && !gate.Hold())
                {
                    ImportBatch batch = held.Dequeue();
                    if (gate.Refusal(batch, contactsSent) is string refusal)
                    {
                        end = (RunState.Failed, $"{refusal} {SentSoFar(contactsSent, importsSent)}");
                        break;
                    }

                    // Once the run is staged a resume never stages again, so a fingerprint is only needed before that.
                    if (!run.Status.IsStaged)
                    {
                        string hash = BodyHash.Of(run.BatchPath(batch.Number));
                        lock (run.Status)
                        {
                            if (!run.Status.IsStaged)
                            {
                                Record(run, new JournalEntry { Type = JournalEntryType.BatchStaged, At = time.GetUtcNow(), Batch = batch.Number, BodyHash = hash, Lists = batch.Lists });
                            }
                        }
                    }

                    try
                    {
                        await SubmitAsync(run, batch.Number, batch.ContactCount, cancellationToken).ConfigureAwait(false);
                        contactsSent += batch.ContactCount;
                        importsSent++;
                    }
                    catch (Exception ex) when (IsDefiniteStop(ex))
                    {
                        end = (StateAfter(ex), StopMessage(ex));
                        tell(new SenderEvent(SenderEventKind.Verbose, $"Sending stopped ({ex.Message}); staging goes on so that the run can be resumed."));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The staging is stopping too (Ctrl+C, or it failed and cancelled this): let it finish with the feed.
            while (await feed.NextAsync(CancellationToken.None).ConfigureAwait(false) is not null)
            {
            }

            return Finish(run, RunState.Stopped, StoppedMessage(run.Status));
        }

        if (end is { } stopped)
        {
            return Finish(run, stopped.State, stopped.Message);
        }

        if (!run.Status.IsStaged)
        {
            return Finish(run, RunState.Stopped, StoppedMessage(run.Status));
        }

        if (gate.Verdict is { } breach)
        {
            return Finish(run, RunState.Failed, $"{breach.Message} {SentSoFar(contactsSent, importsSent)}");
        }

        return await SendRestAsync(run, noWait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a run that sent while staging had sent when it stopped sending: bodies cannot be recalled.</summary>
    private static string SentSoFar(long contacts, int imports) => imports == 0
        ? "Nothing was sent."
        : $"{contacts} contacts in {imports} import(s) had already been sent while the input was read and cannot be recalled (see the run's ActivityIds); nothing more was sent.";

    /// <summary>"Batch 3 of 7", or "Batch 3" while the run is still staging (the count is not known yet).</summary>
    private static string BatchName(RunStatus status, int batch) =>
        status.IsStaged ? $"Batch {batch} of {status.BatchCount}" : $"Batch {batch}";

    /// <summary>
    /// Constant Contact said no for now or for good: quota, unavailable (the run stops, resumable) or an import
    /// refused (the run fails), a token endpoint that did not answer within its bound (stops). Nothing more is sent.
    /// </summary>
    private static bool IsDefiniteStop(Exception ex) => ex is QuotaExceededException or ApiUnavailableException or ImportRefusedException or Http.ApiAnswerException
        || ex is Connections.ConnectionException { ErrorId: Connections.ConnectionErrorIds.TokenRequestTimeout };

    private static RunState StateAfter(Exception definiteStop) => definiteStop is ImportRefusedException ? RunState.Failed : RunState.Stopped;

    /// <summary>The API's message (it knows nothing of runs) and, for a run that can go on, how it goes on.</summary>
    private string StopMessage(Exception definiteStop)
    {
        if (deadline is not null && ((definiteStop as Http.ApiAnswerException)?.ErrorId ?? (definiteStop as Connections.ConnectionException)?.ErrorId) is string errorId)
        {
            deadline.StopErrorId = errorId;
        }

        return StateAfter(definiteStop) == RunState.Stopped
            ? definiteStop.Message + (definiteStop is QuotaExceededException ? " After that, Invoke-CCExport -Resume finishes this run." : " Invoke-CCExport -Resume continues the run.")
            : definiteStop.Message;
    }

    private string StoppedMessage(RunStatus status)
    {
        string goesOn = status.IsStaged
            ? "Invoke-CCExport -Resume continues this run without sending any batch twice."
            : "Invoke-CCExport -Resume stages the files again and sends only what was not sent.";
        return deadline is { Passed: true } ? deadline.Message(goesOn)
            : (status.IsStaged ? "Stopped by the user. " : "Stopped before staging ended. ") + goesOn;
    }

    /// <summary>The caller's token, cancelled also when the deadline passes.</summary>
    private CancellationTokenSource WithDeadline(CancellationToken cancellationToken) =>
        CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline?.Token ?? CancellationToken.None);

    private async Task<RunState> SendRestAsync(RunSendContext run, bool noWait, CancellationToken cancellationToken)
    {
        RunStatus status = run.Status;
        try
        {
            foreach (int batch in status.UnsentBatches().ToList())
            {
                cancellationToken.ThrowIfCancellationRequested();
                await SubmitAsync(run, batch, ContactsOf(status, batch), cancellationToken).ConfigureAwait(false);
            }

            if (noWait)
            {
                return Finish(run, RunState.Submitted, (status.BatchCount == 1 ? "The batch was submitted" : $"All {status.BatchCount} batches were submitted")
                    + (run.Removal is null ? "; Get-CCExportRun -Refresh completes the counts." : "; Invoke-CCExport -Resume waits for them and then removes the contacts that left the segment."));
            }

            await PollAsync(run, cancellationToken).ConfigureAwait(false);
            RunState state = Outcome(status, out string message);
            string? errorId = null;
            if (state != RunState.Failed && run.Removal is { } removal)
            {
                // -RemoveMissing: only once every import completed (and the run's rejects were within their limit).
                RemovalOutcome removed = await removal(api, tell, cancellationToken).ConfigureAwait(false);
                message += " " + removed.Message;
                state = removed.State is RunState.Failed ? RunState.Failed
                    : removed.State is RunState.CompletedWithErrors ? RunState.CompletedWithErrors
                    : state;
                errorId = removed.ErrorId;
            }

            return Finish(run, state, message, errorId);
        }
        catch (Exception ex) when (IsDefiniteStop(ex))
        {
            return Finish(run, StateAfter(ex), StopMessage(ex));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Finish(run, RunState.Stopped, StoppedMessage(status));
        }
    }

    /// <summary>
    /// One look at the run's unfinished activities, without waiting: what has finished is journaled, and a
    /// Submitted run whose activities have all finished gets its final state.
    /// </summary>
    public async Task<RunState> RefreshAsync(RunSendContext run, CancellationToken cancellationToken)
    {
        requestsAtStart = api.RequestCount;
        await PollOnceAsync(run, cancellationToken).ConfigureAwait(false);
        RunStatus status = run.Status;
        // A -RemoveMissing run still has its removals to make: Invoke-CCExport -Resume ends it.
        if (status.State == RunState.Submitted && !status.PendingActivities().Any() && run.Removal is null)
        {
            return Finish(run, Outcome(status, out string message), message);
        }

        return status.State;
    }

    /// <summary>The contacts in a staged batch's body, when the journal says.</summary>
    private static int? ContactsOf(RunStatus status, int batch) =>
        batch >= 1 && batch <= status.BatchContacts.Count ? status.BatchContacts[batch - 1] : null;

    private async Task SubmitAsync(RunSendContext run, int batch, int? contacts, CancellationToken cancellationToken)
    {
        RunStatus status = run.Status;

        // -RemoveMissing: what joined the lists another way is read before the run's first POST, never after one.
        if (run.BeforeFirstImport is { } before && !status.OutsidersRead && !status.AnySent)
        {
            await before(api, tell, cancellationToken).ConfigureAwait(false);
        }

        using IDisposable importLock = await run.AcquireImportLock(cancellationToken).ConfigureAwait(false);

        // Why the next Sending is a second one: journaled with it.
        string? resendReason = null;

        // A batch that a killed process had started to send may have been accepted: look before sending.
        if (status.IsInDoubt(batch))
        {
            DateTimeOffset since = status.SendingTimeOf(batch) ?? status.Manifest.StartedAt;
            Lookup found = await FindAcceptedAsync(run, batch, contacts, since, null, cancellationToken).ConfigureAwait(false);
            if (found.ActivityId is not null)
            {
                Record(run, new JournalEntry { Type = JournalEntryType.Submitted, At = time.GetUtcNow(), Batch = batch, ActivityId = found.ActivityId });
                tell(new SenderEvent(SenderEventKind.Verbose, $"Batch {batch} had been accepted before the run stopped (activity {found.ActivityId}: {found.Why}); not sent again."));
                return;
            }

            resendReason = found.Why;
            tell(new SenderEvent(SenderEventKind.Verbose, $"Batch {batch} may have been sent before the run stopped, but {found.Why} It is sent again (imports are upserts)."));
        }

        int inDoubt = 0;
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await BeforeSendingAgainAsync(attempt, batch, cancellationToken).ConfigureAwait(false);
            DateTimeOffset sendingAt = time.GetUtcNow();
            Record(run, new JournalEntry { Type = JournalEntryType.Sending, At = sendingAt, Batch = batch, Message = resendReason });
            resendReason = null;
            try
            {
                ActivityInfo activity = await api.CreateJsonImportAsync(run.BatchPath(batch), cancellationToken).ConfigureAwait(false);
                if (!ActivityJson.IsActivityId(activity.ActivityId))
                {
                    throw new ImportInDoubtException("Constant Contact's answer named no activity.");
                }

                Record(run, new JournalEntry { Type = JournalEntryType.Submitted, At = time.GetUtcNow(), Batch = batch, ActivityId = activity.ActivityId });
                Progress(status, $"{BatchName(status, batch)} submitted{(status.IsStaged ? string.Empty : " while staging goes on")}: activity {activity.ActivityId}.");
                return;
            }
            catch (ImportInDoubtException ex)
            {
                DateTimeOffset answeredAt = time.GetUtcNow();
                tell(new SenderEvent(SenderEventKind.Verbose, $"Batch {batch}: {ex.Message} Checking GET /activities before anything is sent again."));
                Lookup found = await FindAcceptedAsync(run, batch, contacts, sendingAt, answeredAt, cancellationToken).ConfigureAwait(false);
                if (found.ActivityId is not null)
                {
                    Record(run, new JournalEntry { Type = JournalEntryType.Submitted, At = time.GetUtcNow(), Batch = batch, ActivityId = found.ActivityId });
                    Progress(status, $"{BatchName(status, batch)} had been accepted (activity {found.ActivityId}); the answer was lost.");
                    return;
                }

                if (ex.InnerException is Http.ApiAnswerException unreadable)
                {
                    // A page that is not the API's (a proxy's HTML, a cut answer) would most likely answer again: stop
                    // with its name. The batch stays in doubt, so -Resume looks it up before it sends it.
                    throw unreadable;
                }

                if (++inDoubt >= MaxInDoubtSends)
                {
                    throw new ApiUnavailableException($"Batch {batch}: {inDoubt} answers in a row were lost or named no activity ({ex.Message}).", ex);
                }

                resendReason = found.Why;
                tell(new SenderEvent(SenderEventKind.Verbose, $"Batch {batch}: {found.Why} Sending it again (imports are upserts: twice is safe, lost is not)."));
            }
            catch (Exception ex) when (ex is QuotaExceededException or ImportRefusedException)
            {
                // A definite no: the batch is not in doubt, and a resume sends it without looking first.
                Record(run, new JournalEntry { Type = JournalEntryType.NotAccepted, At = time.GetUtcNow(), Batch = batch });
                throw;
            }
            catch (ActivityQueueFullException)
            {
                Record(run, new JournalEntry { Type = JournalEntryType.NotAccepted, At = time.GetUtcNow(), Batch = batch });
                tell(new SenderEvent(SenderEventKind.Warning, $"Constant Contact's activity queue for this account is full (1,000 queued). Waiting {QueueFullDelay.TotalSeconds:0} seconds before sending batch {batch} again."));
                await time.Delay(QueueFullDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Before a batch's second and later tries: the one back-off policy, so a server that fails every POST is not hammered.</summary>
    private Task BeforeSendingAgainAsync(int attempt, int batch, CancellationToken cancellationToken)
    {
        if (attempt == 1)
        {
            return Task.CompletedTask;
        }

        TimeSpan wait = retry.Backoff(attempt - 1);
        tell(new SenderEvent(SenderEventKind.Verbose, string.Format(CultureInfo.InvariantCulture, "Batch {0}: try {1} in {2:0.0} s.", batch, attempt, wait.TotalSeconds)));
        return retry.DelayAsync(wait, cancellationToken);
    }

    /// <summary>What a look-up found: the activity to claim, or null; and why, for the journal and -Verbose.</summary>
    private sealed record Lookup(string? ActivityId, string Why);

    /// <summary>
    /// The activity that a POST sent at <paramref name="sendingAt"/> created, when it can be proven. The home's
    /// import lock keeps every other run in this home from posting meanwhile, but other
    /// applications on the account are not held back and the API shows no list ids, so an activity is claimed only
    /// when it is the one, and only, activity that
    /// <list type="bullet">
    /// <item>was created between the POST (less the clock tolerance) and its failed answer (plus the tolerance), by
    /// the server's clock as its Date headers tell it;</item>
    /// <item>is a JSON import (no source file) of exactly the body's contacts (items_total_count, or once finished
    /// person, error and correctable counts) to as many lists (list_count);</item>
    /// <item>no run in this home has claimed;</item>
    /// <item>once finished, put a few of the batch's contacts (first to last) on every list of the batch and changed
    /// them after the POST (GET /contacts?email=): an alike import of another home or application, to other lists or
    /// made while ours was lost, does not (<see cref="ProvesOwnAsync"/>);</item>
    /// </list>
    /// and no other such activity was created from twice the tolerance before the POST (a neighbour's lost import
    /// just before ours could otherwise pass for ours). GET /activities is read page by page (500 a page, through
    /// _links.next) back to then. Anything else is "not proven": the caller sends the batch again.
    /// </summary>
    private async Task<Lookup> FindAcceptedAsync(RunSendContext run, int batch, int? contacts, DateTimeOffset sendingAt, DateTimeOffset? answeredAt, CancellationToken cancellationToken)
    {
        if (contacts is not int count)
        {
            return new Lookup(null, "the journal does not say how many contacts its body holds, so no activity can be proven its own.");
        }

        // The batch's own lists: with per-segment lists a body names some of the run's lists only.
        int lists = Staging.RunLists.Indexes(run.Status.ListsOf(batch)).Count();
        string what = $"import of {count} contacts to {lists} list(s)";
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (attempt > 0)
            {
                // An activity may take a moment to be listed.
                await time.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }

            TimeSpan offset = api.ServerClockOffset;
            DateTimeOffset from = sendingAt + offset - CreatedAtTolerance;
            DateTimeOffset guardFrom = from - CreatedAtTolerance;
            DateTimeOffset until = (answeredAt ?? time.GetUtcNow()) + offset + CreatedAtTolerance;
            ISet<string> claimed = run.ClaimedActivityIds();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var alike = new List<ActivityInfo>();
            string? next = null;
            int pages = 0;
            do
            {
                ActivityPage page = await api.ListActivitiesPageAsync(next, 500, cancellationToken).ConfigureAwait(false);
                pages++;
                bool reachedOlder = false;
                foreach (ActivityInfo activity in page.Activities)
                {
                    if (activity.CreatedAt is not DateTimeOffset created || !seen.Add(activity.ActivityId))
                    {
                        continue;
                    }

                    if (created < guardFrom)
                    {
                        reachedOlder = true;
                    }
                    else if (created <= until && !claimed.Contains(activity.ActivityId) && IsLike(activity, count, lists))
                    {
                        alike.Add(activity);
                    }
                }

                next = reachedOlder ? null : page.Next;
            }
            while (next is not null && pages < MaxLookupPages);

            if (next is not null)
            {
                return new Lookup(null, $"GET /activities had more than {MaxLookupPages * 500} activities since it was sent; not all could be checked.");
            }

            if (alike.Count > 1)
            {
                return new Lookup(null, $"{alike.Count} unclaimed activities alike ({what}) were created around then; none can be proven its own.");
            }

            if (alike.Count == 1)
            {
                ActivityInfo only = alike[0];
                if (only.CreatedAt < from)
                {
                    return new Lookup(null, $"the only unclaimed {what} nearby was created just before it was sent, so it is not proven its own.");
                }

                string? unproven = await ProvesOwnAsync(run, batch, only, from, cancellationToken).ConfigureAwait(false);
                return unproven is null
                    ? new Lookup(only.ActivityId, $"the one unclaimed {what} created then, which put the batch's contacts on the run's lists")
                    : new Lookup(null, $"the one unclaimed {what} created then {unproven}, so it is not proven its own.");
            }
        }

        return new Lookup(null, $"no unclaimed {what} was created since it was sent.");
    }

    /// <summary>
    /// Null when <paramref name="candidate"/> is proven the batch's: once it has finished (its contacts are applied by
    /// then; waited for about a minute, polled with growing pauses), every probe contact of the batch (a few, first to
    /// last) is on every list of the batch and was changed at or after <paramref name="since"/> (the POST, by the
    /// server's clock, less the tolerance). Else why not. Our import changes every contact it holds; an alike import of
    /// another home, to its own lists, holds other people, so some probe is not on our lists or was not changed, even
    /// when one of them (say the first) is shared and was already a member.
    /// </summary>
    private async Task<string?> ProvesOwnAsync(RunSendContext run, int batch, ActivityInfo candidate, DateTimeOffset since, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> probes = run.ProbeEmailsOf(batch);
        if (probes.Count == 0)
        {
            return "(the batch's body cannot be read to check its contacts)";
        }

        ActivityInfo activity = candidate;
        for (int poll = 0; !activity.IsFinished; poll++)
        {
            if (poll == ProofPolls)
            {
                return "(it did not finish within a minute, so its contacts could not be checked)";
            }

            await time.Delay(ProofPollDelay(poll), cancellationToken).ConfigureAwait(false);
            activity = await api.GetActivityAsync(candidate.ActivityId, cancellationToken).ConfigureAwait(false);
        }

        foreach (string email in probes)
        {
            ContactState? contact = await api.FindContactAsync(email, cancellationToken).ConfigureAwait(false);
            if (contact is null)
            {
                return "(a contact of the batch is not in the account)";
            }

            if (!Staging.RunLists.Ids(run.Status.Manifest.ListIds, run.Status.ListsOf(batch)).All(list => contact.ListIds.Contains(list, StringComparer.OrdinalIgnoreCase)))
            {
                return "(a contact of the batch is not on every list of its import)";
            }

            if (contact.UpdatedAt is not DateTimeOffset updated || updated < since)
            {
                return "(a contact of the batch has not changed since the batch was sent)";
            }
        }

        return null;
    }

    /// <summary>A JSON import of <paramref name="contacts"/> contacts to <paramref name="lists"/> lists, as far as the activity shows.</summary>
    private static bool IsLike(ActivityInfo activity, int contacts, int lists)
    {
        if (!ActivityJson.IsActivityId(activity.ActivityId) || !string.IsNullOrEmpty(activity.SourceFileName))
        {
            return false;
        }

        if (activity.ListCount is long listCount && listCount != lists)
        {
            return false;
        }

        if (activity.ItemsTotalCount is long total && total > 0)
        {
            return total == contacts;
        }

        // No total yet: only a finished activity's counts say how many rows it had.
        return activity.IsFinished && activity.PersonCount is long persons
            && persons + (activity.ErrorCount ?? 0) + (activity.CorrectableCount ?? 0) == contacts;
    }

    private async Task PollAsync(RunSendContext run, CancellationToken cancellationToken)
    {
        RunStatus status = run.Status;
        TimeSpan delay = FirstPollDelay;
        bool first = true;
        while (true)
        {
            List<string> pending = status.PendingActivities().ToList();
            if (pending.Count == 0)
            {
                return;
            }

            await time.Delay(delay, cancellationToken).ConfigureAwait(false);
            bool changed = await PollOnceAsync(run, cancellationToken).ConfigureAwait(false);

            // Back off while nothing changes; come back sooner once activities are finishing.
            delay = first ? SoonPollDelay
                : changed ? FirstPollDelay
                : TimeSpan.FromTicks(Math.Min(MaxPollDelay.Ticks, (long)(delay.Ticks * 1.6)));
            first = false;
        }
    }

    /// <summary>Asks once about every unfinished activity; true when any finished.</summary>
    private async Task<bool> PollOnceAsync(RunSendContext run, CancellationToken cancellationToken)
    {
        List<string> pending = run.Status.PendingActivities().ToList();
        bool changed = false;
        if (pending.Count == 1)
        {
            changed = Apply(run, await api.GetActivityAsync(pending[0], cancellationToken).ConfigureAwait(false));
        }
        else if (pending.Count > 1)
        {
            // One request reports many activities; those it does not list are asked for one by one.
            IReadOnlyList<ActivityInfo> listed = await api.ListActivitiesAsync(Math.Min(500, Math.Max(50, pending.Count * 2)), cancellationToken).ConfigureAwait(false);
            // First listing of an id wins: a page that repeats one (or a broken server) must not end the run.
            var byId = new Dictionary<string, ActivityInfo>(StringComparer.Ordinal);
            foreach (ActivityInfo item in listed)
            {
                if (!byId.ContainsKey(item.ActivityId))
                {
                    byId[item.ActivityId] = item;
                }
            }

            foreach (string id in pending)
            {
                ActivityInfo activity = byId.TryGetValue(id, out ActivityInfo? info)
                    ? info
                    : await api.GetActivityAsync(id, cancellationToken).ConfigureAwait(false);
                changed |= Apply(run, activity);
            }
        }

        return changed;
    }

    private bool Apply(RunSendContext run, ActivityInfo activity)
    {
        if (!activity.IsFinished || run.Status.IsActivityDone(activity.ActivityId))
        {
            return false;
        }

        Record(run, new JournalEntry
        {
            Type = JournalEntryType.ActivityDone,
            At = time.GetUtcNow(),
            ActivityId = activity.ActivityId,
            ActivityState = activity.State,
            PersonCount = activity.PersonCount,
            ErrorCount = activity.ErrorCount,
            CorrectableCount = activity.CorrectableCount,
            CannotAddToListCount = activity.CannotAddToListCount,
            ActivityErrors = activity.Errors.Count > 0 ? activity.Errors : null,
        });
        int done = run.Status.FinishedActivities.Count();
        tell(new SenderEvent(SenderEventKind.Progress, $"Activity {activity.ActivityId} {activity.State}.", run.Status.ActivityIds.Count, run.Status.BatchCount, done));
        return true;
    }

    private static RunState Outcome(RunStatus status, out string message)
    {
        var finished = status.FinishedActivities.ToList();
        var failed = finished.Where(a => a.ActivityState != "completed").ToList();
        if (failed.Count > 0)
        {
            // cancelled, failed, timed_out: the import did not finish, and which of its contacts got in is not
            // known. Imports are upserts, so sending the same input again is safe; a partial success is not claimed.
            var errors = failed.SelectMany(a => a.ActivityErrors ?? new List<string>()).Take(5).ToList();
            message = string.Format(
                CultureInfo.InvariantCulture,
                "Constant Contact did not finish {0} of {1} imports ({2}), so their contacts may be missing from the list; the other imports brought in {3} contacts.{4} "
                + "Imports update contacts that exist, so run the export again with the same input to send them again.",
                failed.Count,
                finished.Count,
                string.Join(", ", failed.GroupBy(a => a.ActivityState).Select(g => $"{g.Count()} {g.Key}")),
                status.ImportedCount,
                errors.Count > 0 ? " Constant Contact said: " + string.Join(" ", errors) : string.Empty);
            return RunState.Failed;
        }

        long unaccounted = Unaccounted(status);
        if (status.ErrorCount > 0 || status.CorrectableCount > 0 || status.CannotAddToListCount > 0 || unaccounted > 0)
        {
            message = $"Constant Contact imported {status.ImportedCount} contacts; {status.ErrorCount} errors, {status.CorrectableCount} correctable, {status.CannotAddToListCount} previously unsubscribed (not added to lists)."
                + (unaccounted > 0 ? $" {unaccounted} contacts sent are in no activity's counts (not imported)." : string.Empty);
            return RunState.CompletedWithErrors;
        }

        message = status.BatchCount == 0 && status.IsStaged
            ? $"Nothing was sent: no profile was new or changed ({status.UnchangedCount} unchanged since the last sync)."
            : $"Constant Contact imported {status.ImportedCount} contacts.";
        return RunState.Completed;
    }

    /// <summary>
    /// Contacts of a batch that its finished activity does not count as imported, in error or correctable: the ledger
    /// never calls a run Completed for contacts that did not arrive.
    /// </summary>
    private static long Unaccounted(RunStatus status)
    {
        var done = status.FinishedActivities.Where(a => a.ActivityId is not null).ToDictionary(a => a.ActivityId!, StringComparer.Ordinal);
        long missing = 0;
        for (int batch = 1; batch <= status.BatchContacts.Count; batch++)
        {
            if (status.ActivityOf(batch) is string id && done.TryGetValue(id, out JournalEntry? entry) && entry.PersonCount is long persons)
            {
                long counted = persons + (entry.ErrorCount ?? 0) + (entry.CorrectableCount ?? 0);
                missing += Math.Max(0, status.BatchContacts[batch - 1] - counted);
            }
        }

        return missing;
    }

    private RunState Finish(RunSendContext run, RunState state, string message, string? errorId = null)
    {
        Record(run, new JournalEntry { Type = JournalEntryType.State, At = time.GetUtcNow(), State = state, Message = message, ErrorId = errorId, Requests = api.RequestCount - requestsAtStart });
        return state;
    }

    private void Progress(RunStatus status, string message) =>
        tell(new SenderEvent(SenderEventKind.Progress, message, status.ActivityIds.Count, status.BatchCount, status.FinishedActivities.Count()));

    private static void Record(RunSendContext run, JournalEntry entry) => run.Journal.Record(entry, run.Status);
}
