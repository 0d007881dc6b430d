using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Runs;

/// <summary>How a run's removals ended: a sentence for the run's message and, when they change it, the run's end state and ErrorId.</summary>
public sealed record RemovalOutcome(string Message, RunState? State = null, string? ErrorId = null);

/// <summary>
/// Set-CCExport -RemoveMissing, once a run's imports completed: takes the contacts this export put on its lists and that
/// no profile in the segment names any more off those lists (membership only), journaled and resumable like the imports.
/// <list type="number">
/// <item>Plan (<see cref="RemovalPlan"/>): the sync state against the run's <see cref="PresentKeysFile"/>. Past
/// MaxRemovePercent of a list's members (<see cref="ListRemovals.IsOver"/>), nothing is removed and the run fails
/// RemoveLimitExceeded, unless -Force.</item>
/// <item>Learn contact ids (journaled LearningIds, IdsLearnt; pages appended to ids.learnt): for the contacts the run's
/// confirmed imports created, GET /contacts?lists=&amp;updated_after=(first POST less 10 seconds) pages, or the whole list
/// when most of the list would be read anyway (a first run); for a leaver whose id is unknown, the whole list, matched
/// by key. A leaver a whole read does not find is already off the list (gone.keys: no request).</item>
/// <item>Remove (RemovePlanned; RemoveSending, RemoveSubmitted, RemoveDone a request): 500 contact ids a
/// remove_list_memberships, one list a request. Removal is idempotent, so a request whose answer was lost is sent
/// again, never looked up.</item>
/// </list>
/// What was confirmed goes into the state with the run's end (<see cref="RunSyncRecorder"/>).
/// </summary>
internal sealed class RunRemover
{
    public const string LimitErrorId = "RemoveLimitExceeded";

    /// <summary>The run's input had rows that could not be read whole, which may have hidden profiles still in the segment.</summary>
    public const string MalformedInputErrorId = "RemoveInputMalformed";

    /// <summary>
    /// How far before the run's first POST (by the server's clock, from its Date headers, which have whole seconds)
    /// updated_after reaches. A contact changed that much earlier is read for nothing; one changed by the run is never missed.
    /// </summary>
    internal static readonly TimeSpan UpdatedAfterTolerance = TimeSpan.FromSeconds(10);

    private const int MaxInDoubtSends = 10;

    /// <summary>Contacts sent past which waiting 4 s before the read after the imports costs less than reading them again next run.</summary>
    private const int WaitWorthContacts = 16 * 500;
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan QueueFullDelay = TimeSpan.FromSeconds(30);

    private readonly Storage.StoragePaths paths;
    private readonly string runFolder;
    private readonly string batches;
    private readonly RunStatus status;
    private readonly RunJournal journal;
    private readonly IImportApi api;
    private readonly TimeProvider time;
    private readonly Action<SenderEvent> tell;
    private readonly bool force;
    private readonly Action<string> pause;
    private readonly Http.RetryPolicy retry;
    private readonly SyncState? loadedState;

    /// <summary>A remover for one run; <paramref name="loadedState"/> is the export's sync state as this process loaded it for staging, or null to load it.</summary>
    public RunRemover(Storage.StoragePaths paths, string runFolder, RunStatus status, RunJournal journal, IImportApi api, TimeProvider time, Action<SenderEvent> tell, bool force, Action<string>? pause, SyncState? loadedState = null)
    {
        this.loadedState = loadedState;
        this.paths = paths;
        this.runFolder = runFolder;
        batches = Path.Combine(runFolder, ExportStaging.BatchFolderName);
        this.status = status;
        this.journal = journal;
        this.api = api;
        this.time = time;
        this.tell = tell;
        this.force = force;
        this.pause = pause ?? (_ => { });
        retry = new Http.RetryPolicy(time);
    }

    private RunStatus Status => status;

    private RunManifest Manifest => status.Manifest;

    public async Task<RemovalOutcome> RunAsync(CancellationToken cancellationToken)
    {
        if (!Status.RemovalsPlanned && await PlanAsync(cancellationToken).ConfigureAwait(false) is { } early)
        {
            return early;
        }

        await SendAsync(cancellationToken).ConfigureAwait(false);
        await PollAsync(cancellationToken).ConfigureAwait(false);
        pause(RunPausePoint.RemovalsDone);
        return Summary();
    }

    /// <summary>Plans, checks the limit, learns ids, writes the requests and journals RemovePlanned; an outcome when the run removes nothing.</summary>
    private async Task<RemovalOutcome?> PlanAsync(CancellationToken cancellationToken)
    {
        PresentEntry[]? present = PresentKeysFile.TryRead(Path.Combine(batches, PresentKeysFile.FileName));
        if (present is null)
        {
            return new RemovalOutcome("No contact was removed: the run has no record of the profiles in its segment (it was staged before -RemoveMissing was set).");
        }

        SyncState? state;
        try
        {
            state = loadedState ?? SyncStateFile.Load(SyncStateLocation.PathOf(paths, Manifest.ExportName));
        }
        catch (SyncStateDamagedException ex)
        {
            return new RemovalOutcome($"No contact was removed: the sync state is damaged ({ex.Message}).");
        }

        if (Manifest.IsSupersededBy(state))
        {
            // A run resumed after a later run of the export ended: its profiles are an older view of the segment, and
            // would take off the lists contacts the later run found in it.
            return new RemovalOutcome("No contact was removed: a later run of this export updated its sync state after this run started, so this run's input is not the segment as it is now; the next run removes what left.");
        }

        string malformed = Path.Combine(batches, PresentKeysFile.MalformedFileName);
        if (File.Exists(malformed) && !force && !Manifest.Force)
        {
            string rows = File.ReadAllText(malformed).Trim();
            return new RemovalOutcome(
                $"No contact was removed: {rows} row(s) of the input could not be read whole (see the reject report, reason MalformedRow); a quote left open swallows the rows after it, whose contacts would look like leavers. Fix the input, or if no profile was lost run it again with {AgainWithForce()}.",
                RunState.Failed,
                MalformedInputErrorId);
        }

        if (!Status.OutsidersRead && Status.FirstSendingAt is null && RunOutsiders.SentToBeforeRead(paths, Manifest, state).Count > 0)
        {
            // The run sent nothing, so it did not read its lists before an import; one the export sent to before it
            // ever read it is read now (what is on it is kept), as the first import would have.
            await RunOutsiders.ReadBeforeImportsAsync(paths, runFolder, Status, journal, api, time, tell, pause, state, cancellationToken).ConfigureAwait(false);
        }

        SyncKept kept;
        try
        {
            kept = RunOutsiders.WithReadBefore(SyncKept.Load(SyncKept.PathOf(paths, Manifest.ExportName)), state, runFolder, Manifest.ListIds);
        }
        catch (SyncStateDamagedException ex)
        {
            // Without it, a contact that joined a list another way could not be told from a leaver.
            return new RemovalOutcome($"No contact was removed: the record of the contacts that joined the lists another way is damaged ({ex.Message}). Remove-CCExport and set the export up again, or delete that file to accept that such contacts may be removed.");
        }

        RemovalPlan plan = RemovalPlan.Of(state, present, Manifest.ListIds, kept);
        if (plan.OverLimit(Manifest.MaxRemovePercent) is { } over)
        {
            if (!force && !Manifest.Force)
            {
                return new RemovalOutcome(LimitMessage(plan, over), RunState.Failed, LimitErrorId);
            }

            tell(new SenderEvent(SenderEventKind.Warning, $"-Force: removing past MaxRemovePercent ({Manifest.MaxRemovePercent}): {plan.Describe(Manifest.ListLabel)}."));
        }

        string learntPath = Path.Combine(batches, RemovalFiles.LearntFileName);
        string gonePath = Path.Combine(batches, RemovalFiles.GoneFileName);
        IdBook learnt;
        List<PresentEntry> gone;
        if (Status.IdsLearnt)
        {
            learnt = IdBook.Read(learntPath);
            gone = RemovalFiles.ReadGone(gonePath);
        }
        else
        {
            gone = new List<PresentEntry>();
            Record(new JournalEntry { Type = JournalEntryType.LearningIds, At = time.GetUtcNow() });
            int requestsBefore = api.RequestCount;
            (learnt, int found) = await LearnAsync(state, kept, plan, learntPath, gone, cancellationToken).ConfigureAwait(false);
            RemovalFiles.WriteGone(gonePath, gone);
            Record(new JournalEntry
            {
                Type = JournalEntryType.IdsLearnt,
                At = time.GetUtcNow(),
                Message = $"{found} contact id(s) learnt in {api.RequestCount - requestsBefore} request(s); {gone.Count} leaver(s) already off their list.",
            });
        }

        // The requests: 500 contact ids each, one list each, written before the plan is journaled.
        var contacts = new List<int>();
        foreach (ListRemovals list in plan.Lists)
        {
            var known = new List<SyncRecord>();
            foreach (SyncRecord leaver in list.Leavers)
            {
                Guid id = leaver.HasContactId ? leaver.ContactId : learnt.TryGetId(leaver.Key, out Guid found) ? found : Guid.Empty;
                if (id != Guid.Empty)
                {
                    known.Add(leaver.WithContactId(id));
                }
            }

            for (int from = 0; from < known.Count; from += Api.ConstantContactApi.MaxRemoveContactIds)
            {
                List<SyncRecord> request = known.Skip(from).Take(Api.ConstantContactApi.MaxRemoveContactIds).ToList();
                contacts.Add(request.Count);
                RemovalFiles.WriteRequest(Path.Combine(batches, RemovalFiles.RequestFileName(contacts.Count)), list.RunIndex, request);
            }
        }

        Record(new JournalEntry { Type = JournalEntryType.RemovePlanned, At = time.GetUtcNow(), BatchCount = contacts.Count, BatchContacts = contacts, Message = plan.Describe(Manifest.ListLabel) });
        tell(new SenderEvent(SenderEventKind.Verbose, $"Removals planned, {contacts.Count} request(s): {plan.Describe(Manifest.ListLabel)}."));
        return null;
    }

    private string LimitMessage(RemovalPlan plan, ListRemovals over) =>
        string.Format(
            CultureInfo.InvariantCulture,
            "Nothing was removed: the run would remove {0}. {1} "
            + "A truncated or wrong input looks like this{2}. If these contacts did leave the segment, run the export again with "
            + "{3} (or raise Set-CCExport -MaxRemovePercent).",
            over.LimitText(Manifest.MaxRemovePercent, Manifest.ListLabel(over.ListId)),
            plan.Lists.Count > 1 ? "All lists: " + plan.Describe(Manifest.ListLabel) + "." : string.Empty,
            Status.SubmittedCount > 0 ? "; the imports were made" : string.Empty,
            AgainWithForce()).Replace("  ", " ");

    /// <summary>The command that runs the same input again with -Force: its files by -Path, or piped profiles piped again.</summary>
    private string AgainWithForce()
    {
        string export = Manifest.ExportName.Replace("'", "''");
        if (Manifest.Sources.Count == 0 || Manifest.Sources.Contains("pipeline"))
        {
            return $"the same profiles piped into Invoke-CCExport -Name '{export}' -Force";
        }

        return $"Invoke-CCExport -Name '{export}' -Path {string.Join(", ", Manifest.Sources.Select(f => "'" + f.Replace("'", "''") + "'"))} -Force";
    }

    /// <summary>
    /// Learns the ids the state lacks, list by list: the leavers' (the whole list, learning on the way every id the
    /// state lacks), and the contacts the run's confirmed imports created (updated_after, or the whole list when the
    /// run sent about as many as the list holds). Returns what was learnt (with what a resumed run had learnt before)
    /// and how many ids this call found.
    /// </summary>
    private async Task<(IdBook Learnt, int Found)> LearnAsync(SyncState? state, SyncKept kept, RemovalPlan plan, string learntPath, List<PresentEntry> gone, CancellationToken cancellationToken)
    {
        // Every key this run may want an id for, in one compact book: the contacts its imports created (not in the
        // state with an id), and the state's records without an id on the run's lists.
        // Sized once, as every list of a contact each below: a million grown by doubling leaves as much again in garbage,
        // which set the peak of a first -RemoveMissing run.
        List<RunSyncRecorder.Confirmed> confirmed = RunSyncRecorder.ConfirmedEntries(Status, batches, out _, out _);
        var candidates = new List<ulong>(confirmed.Count + (state?.Count ?? 0));
        foreach (RunSyncRecorder.Confirmed entry in confirmed)
        {
            if (!(state is not null && state.TryFind(entry.Key, out SyncRecord known) && known.HasContactId))
            {
                candidates.Add(entry.Key);
            }
        }

        confirmed = null!; // its 24 bytes a contact may go before the book is built (a field of this async method otherwise)
        int createdCount = candidates.Count;
        var createdKeys = new List<ulong>(candidates);
        ulong runTableLists = 0;
        if (state is not null)
        {
            foreach (string listId in Manifest.ListIds)
            {
                int index = state.ListIndex(SyncListIds.Of(listId));
                runTableLists |= index is >= 0 and < 64 ? 1UL << index : 0;
            }

            foreach (SyncRecord record in state.Records)
            {
                if (!record.HasContactId && (record.Lists & runTableLists) != 0)
                {
                    candidates.Add(record.Key);
                }
            }
        }

        IdBook book = IdBook.Of(candidates);
        candidates.Clear();
        candidates.TrimExcess();
        book.Load(learntPath);
        var created = new bool[book.Count];
        foreach (ulong key in createdKeys)
        {
            created[book.IndexOf(key)] = true;
        }

        createdKeys.Clear();
        createdKeys.TrimExcess();
        int found = 0;
        DateTimeOffset? since = Status.FirstSendingAt is { } first ? first + api.ServerClockOffset - UpdatedAfterTolerance : null;

        // A run that imported after reading its lists (RunOutsiders) reads each list past its imports, to the end, so
        // that the next run's read starts after them: it takes what joined another way meanwhile for outsiders too.
        ListReadFile? before = Status.FirstSendingAt is not null ? ListReadFile.TryRead(Path.Combine(runFolder, ListReadFile.BeforeImportsName)) : null;
        var marks = new DateTimeOffset?[Manifest.ListIds.Count];
        var outsiders = new List<PresentEntry>();
        RunBodyKeys? bodies = null;
        if (before is not null && Status.SubmittedCount > WaitWorthContacts
            && Status.FinishedActivities.Select(a => a.At).DefaultIfEmpty().Max() + RunOutsiders.WatermarkTolerance + TimeSpan.FromSeconds(1) - time.GetUtcNow() is { Ticks: > 0 } wait)
        {
            // The read's start is the next run's watermark: a moment after the imports were seen done, the next run's
            // read (less its tolerance) does not take in the contacts they changed. At most 4 s once a run, and only
            // when the run sent more than those seconds' requests could read again (16 pages at 4 a second).
            await time.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        for (int i = 0; i < Manifest.ListIds.Count; i++)
        {
            string listId = Manifest.ListIds[i];
            ListRemovals? removals = plan.Lists.FirstOrDefault(l => l.RunIndex == i);
            List<ulong> leavers = (removals?.Leavers ?? new List<SyncRecord>()).Where(r => !r.HasContactId && !book.TryGetId(r.Key, out _)).Select(r => r.Key).ToList();
            int createdUnknown = Enumerable.Range(0, book.Count).Count(j => created[j] && book.IdAt(j) == Guid.Empty);
            DateTimeOffset? readBefore = before is not null && i < before.Watermarks.Length ? before.Watermarks[i] : null;
            Action<ulong>? seen = null;
            if (i < 64 && (leavers.Count > 0 || readBefore is not null))
            {
                bodies ??= RunBodyKeys.Of(Status, batches);
                Guid list = SyncListIds.Of(listId);
                int stateIndex = state?.ListIndex(list) ?? -1;
                int run = i;
                seen = key =>
                {
                    bool ours = (stateIndex >= 0 && state!.TryFind(key, out SyncRecord record) && (record.Lists & (1UL << stateIndex)) != 0)
                        || bodies.Has(key, run) || kept.IsRecent(key, list);
                    if (!ours && !kept.IsOutsider(key, list))
                    {
                        outsiders.Add(new PresentEntry(key, 1UL << run));
                    }
                };
            }

            if (leavers.Count > 0)
            {
                // Read whole anyway: every id the book lacks is learnt on the way.
                tell(new SenderEvent(SenderEventKind.Verbose, $"Reading list {Manifest.ListLabel(listId)} whole for the contact ids of {leavers.Count} leaver(s) and {createdUnknown} new contact(s)."));
                (bool whole, int learnt, DateTimeOffset? mark) = await PageAsync(listId, null, book, null, learntPath, seen, cancellationToken).ConfigureAwait(false);
                found += learnt;
                marks[i] = seen is not null ? mark : null;
                if (whole)
                {
                    gone.AddRange(leavers.Where(k => !book.TryGetId(k, out _)).Select(k => new PresentEntry(k, 1UL << i)));
                }
            }
            else if (createdUnknown > 0 || readBefore is not null)
            {
                long members = removals?.Members ?? 0;
                bool wholeList = since is null || Status.SubmittedCount * 2 >= members + createdUnknown;
                DateTimeOffset? after = since is { } s && readBefore is { } r && r - RunOutsiders.WatermarkTolerance < s ? r - RunOutsiders.WatermarkTolerance : since;
                tell(new SenderEvent(SenderEventKind.Verbose, wholeList
                    ? $"Reading list {Manifest.ListLabel(listId)} whole for the contact ids of {createdUnknown} new contact(s) (the run sent about as many as the list holds)."
                    : $"Reading the contacts of list {Manifest.ListLabel(listId)} changed since the run's first import for the ids of {createdUnknown} new contact(s)."));
                (_, int learnt, DateTimeOffset? mark) = await PageAsync(listId, wholeList ? null : after, book, created, learntPath, seen, cancellationToken).ConfigureAwait(false);
                found += learnt;
                marks[i] = seen is not null ? mark : null;
            }
        }

        new ListReadFile(marks, outsiders).Save(Path.Combine(batches, ListReadFile.AfterImportsName));
        if (outsiders.Count > 0)
        {
            tell(new SenderEvent(SenderEventKind.Verbose, $"{outsiders.Count} contact(s) joined the run's list(s) another way while it imported; the export never removes them."));
        }

        int missed = Enumerable.Range(0, book.Count).Count(j => created[j] && book.IdAt(j) == Guid.Empty);
        if (missed > 0)
        {
            // An import row that changed nothing may keep its updated_at (not documented either way): such a contact
            // keeps an unknown id, and is found by key in a whole read of the list if it ever leaves.
            tell(new SenderEvent(SenderEventKind.Verbose, $"{missed} new contact(s) were not found; their ids are learnt when they leave."));
        }

        return (book, found);
    }

    /// <summary>
    /// Pages the list (changed after <paramref name="updatedAfter"/>, or all), setting the ids of the book's keys it
    /// meets, until every wanted one (those <paramref name="wanted"/> marks, or every unknown one) is known, or with
    /// <paramref name="seen"/> (given every key met) to the end; Whole is true when it read to the end, Mark is when it
    /// started by the server's clock.
    /// </summary>
    private async Task<(bool Whole, int Found, DateTimeOffset? Mark)> PageAsync(string listId, DateTimeOffset? updatedAfter, IdBook book, bool[]? wanted, string learntPath, Action<ulong>? seen, CancellationToken cancellationToken)
    {
        DateTimeOffset started = time.GetUtcNow();
        DateTimeOffset? mark = null;
        int remaining = Enumerable.Range(0, book.Count).Count(j => book.IdAt(j) == Guid.Empty && (wanted is null || wanted[j]));
        string? next = null;
        var paging = new ContactPaging();
        bool first = true;
        int total = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            ContactPage page = await api.ListContactsPageAsync(next, listId, updatedAfter, cancellationToken).ConfigureAwait(false);
            mark ??= started + api.ServerClockOffset;
            var found = new List<KeyValuePair<ulong, Guid>>();
            foreach (ContactIdentity contact in page.Contacts)
            {
                ulong key = SyncKey.For(contact.Email);
                seen?.Invoke(key);
                int at = book.IndexOf(key);
                if (at >= 0 && book.IdAt(at) == Guid.Empty)
                {
                    book.SetId(at, contact.ContactId);
                    found.Add(new KeyValuePair<ulong, Guid>(key, contact.ContactId));
                    if (wanted is null || wanted[at])
                    {
                        remaining--;
                    }
                }
            }

            RemovalFiles.AppendLearnt(learntPath, found);
            total += found.Count;
            if (first)
            {
                pause(RunPausePoint.LearningIds);
                first = false;
            }

            if (remaining == 0 && seen is null)
            {
                return (false, total, mark);
            }

            next = paging.Next(page);
        }
        while (next is not null);
        return (true, total, mark);
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        for (int request = 1; request <= Status.RemovalContacts.Count; request++)
        {
            if (Status.RemovalActivityOf(request) is not null)
            {
                continue;
            }

            if (RemovalFiles.TryReadRequest(Path.Combine(batches, RemovalFiles.RequestFileName(request))) is not { } read)
            {
                throw new ImportRefusedException(0, "RemovalRequestMissing", $"The run's removal request {request} ({RemovalFiles.RequestFileName(request)}) is missing or damaged; nothing more is removed. The next run plans its removals again.");
            }

            string listId = Manifest.ListIds[read.RunListIndex];
            List<Guid> ids = read.Contacts.Select(c => c.Value).ToList();
            await SendOneAsync(request, listId, ids, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendOneAsync(int request, string listId, List<Guid> ids, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attempt > 1)
            {
                await retry.DelayAsync(retry.Backoff(attempt - 1), cancellationToken).ConfigureAwait(false);
            }

            Record(new JournalEntry { Type = JournalEntryType.RemoveSending, At = time.GetUtcNow(), Batch = request });
            try
            {
                ActivityInfo activity = await api.RemoveListMembershipsAsync(listId, ids, cancellationToken).ConfigureAwait(false);
                pause(RunPausePoint.PostingRemovals);
                Record(new JournalEntry { Type = JournalEntryType.RemoveSubmitted, At = time.GetUtcNow(), Batch = request, ActivityId = activity.ActivityId });
                tell(new SenderEvent(SenderEventKind.Verbose, $"Removal request {request} of {Status.RemovalContacts.Count} ({ids.Count} contacts, list {Manifest.ListLabel(listId)}) submitted: activity {activity.ActivityId}."));
                return;
            }
            catch (ImportInDoubtException ex) when (attempt < MaxInDoubtSends)
            {
                // Taking a contact off a list twice changes nothing: sent again, never looked up.
                tell(new SenderEvent(SenderEventKind.Verbose, $"Removal request {request}: {ex.Message} Sending it again (removal is idempotent)."));
            }
            catch (ImportInDoubtException ex)
            {
                throw new ApiUnavailableException($"Removal request {request}: {attempt} answers in a row were lost ({ex.Message}).", ex);
            }
            catch (ActivityQueueFullException)
            {
                tell(new SenderEvent(SenderEventKind.Warning, $"Constant Contact's activity queue for this account is full (1,000 queued). Waiting {QueueFullDelay.TotalSeconds:0} seconds before sending removal request {request} again."));
                await time.Delay(QueueFullDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        TimeSpan delay = FirstPollDelay;
        while (true)
        {
            List<string> pending = Enumerable.Range(1, Status.RemovalContacts.Count)
                .Select(Status.RemovalActivityOf).OfType<string>().Where(id => Status.RemovalStateOf(id) is null).Distinct().ToList();
            if (pending.Count == 0)
            {
                return;
            }

            await time.Delay(delay, cancellationToken).ConfigureAwait(false);
            bool changed = false;
            Dictionary<string, ActivityInfo> listed = new(StringComparer.Ordinal);
            if (pending.Count > 1)
            {
                // One request reports many activities; those it does not list are asked for one by one.
                foreach (ActivityInfo item in await api.ListActivitiesAsync(Math.Min(500, Math.Max(50, pending.Count * 2)), cancellationToken).ConfigureAwait(false))
                {
                    listed[item.ActivityId] = listed.TryGetValue(item.ActivityId, out ActivityInfo? seen) ? seen : item;
                }
            }

            foreach (string id in pending)
            {
                ActivityInfo activity = listed.TryGetValue(id, out ActivityInfo? info) ? info : await api.GetActivityAsync(id, cancellationToken).ConfigureAwait(false);
                if (activity.IsFinished)
                {
                    Record(new JournalEntry { Type = JournalEntryType.RemoveDone, At = time.GetUtcNow(), ActivityId = id, ActivityState = activity.State, ActivityErrors = activity.Errors.Count > 0 ? activity.Errors : null });
                    changed = true;
                }
            }

            delay = changed ? FirstPollDelay : TimeSpan.FromTicks(Math.Min(MaxPollDelay.Ticks, (long)(delay.Ticks * 1.6)));
        }
    }

    private RemovalOutcome Summary()
    {
        int requests = Status.RemovalContacts.Count;
        var notDone = Enumerable.Range(1, requests).Where(r => !Status.IsRemovalConfirmed(r)).ToList();
        int gone = RemovalFiles.ReadGone(Path.Combine(batches, RemovalFiles.GoneFileName)).Count;
        string already = gone > 0 ? $" {gone} had left the list already (unsubscribed, or removed another way)." : string.Empty;
        if (notDone.Count > 0)
        {
            return new RemovalOutcome(
                $"Removed {Status.RemovedCount} contact(s) that left the segment from the export's list(s); {notDone.Count} of {requests} removal request(s) did not complete, so their contacts stay recorded and the next run removes them.{already}",
                RunState.CompletedWithErrors);
        }

        return new RemovalOutcome($"Removed {Status.RemovedCount} contact(s) that left the segment from the export's list(s).{already}");
    }

    private void Record(JournalEntry entry) => journal.Record(entry, status);
}

/// <summary>
/// Named moments of a -RemoveMissing run where the end-to-end tests kill the process (<see cref="Variable"/> names one):
/// the run writes <c>paused-&lt;moment&gt;</c> in its folder and waits there to be killed. Never set in production.
/// </summary>
public static class RunPausePoint
{
    public const string Variable = "CC_EXPORT_TEST_PAUSE_AT";

    /// <summary>After the read of the contacts that joined the lists another way is journaled, before the first import.</summary>
    public const string OutsidersRead = "outsiders-read";

    public const string LearningIds = "learning-ids";

    public const string PostingRemovals = "posting-removals";

    public const string RemovalsDone = "removals-done";

    /// <summary>The pause for a run folder, or null when the variable names no moment.</summary>
    public static Action<string>? From(Func<string, string?> environment, string runFolder)
    {
        string? wanted = environment(Variable);
        if (string.IsNullOrWhiteSpace(wanted))
        {
            return null;
        }

        return moment =>
        {
            if (string.Equals(moment, wanted, StringComparison.Ordinal))
            {
                File.WriteAllText(Path.Combine(runFolder, "paused-" + moment), string.Empty);
                Thread.Sleep(Timeout.Infinite);
            }
        };
    }
}
