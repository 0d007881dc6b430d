using System;
using System.Collections.Generic;
using System.Linq;

namespace ConstantContactExport.Engine.Runs;

/// <summary>A run as its manifest and journal tell it: the ledger, each batch's activity, the state.</summary>
public sealed class RunStatus
{
    private readonly Dictionary<int, string> activityByBatch = new();
    private readonly Dictionary<string, JournalEntry> doneByActivity = new(StringComparer.Ordinal);
    private readonly Dictionary<int, DateTimeOffset> sending = new();
    private readonly Dictionary<int, string> bodyHashes = new();
    private readonly Dictionary<int, ulong> listsWhileStaging = new();
    private readonly HashSet<int> everSending = new();
    private readonly Dictionary<int, string> removalByBatch = new();
    private readonly Dictionary<string, string> removalDone = new(StringComparer.Ordinal);

    public RunStatus(RunManifest manifest)
    {
        Manifest = manifest;
    }

    public RunManifest Manifest { get; }

    public RunState State { get; private set; } = RunState.Staging;

    public string? Message { get; private set; }

    public bool IsStaged { get; private set; }

    public long InputCount { get; private set; }

    public long OutOfSegmentCount { get; private set; }

    public long InvalidCount { get; private set; }

    public long DuplicateCount { get; private set; }

    /// <summary>Profiles not sent because the export's sync state has them as they are (Staged; 0 in runs from before).</summary>
    public long UnchangedCount { get; private set; }

    public long SubmittedCount { get; private set; }

    public int BatchCount { get; private set; }

    public IReadOnlyList<int> BatchContacts { get; private set; } = Array.Empty<int>();

    /// <summary>Each batch's lists (Staged), bit i for <c>Manifest.ListIds[i]</c>; empty in runs from before.</summary>
    public IReadOnlyList<ulong> BatchLists { get; private set; } = Array.Empty<ulong>();

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>The ErrorId the run failed with, when its end says (RemoveLimitExceeded); null otherwise.</summary>
    public string? ErrorId { get; private set; }

    /// <summary>-RemoveMissing: the contacts on the run's lists that joined another way were read before its first import (OutsidersRead).</summary>
    public bool OutsidersRead { get; private set; }

    /// <summary>-RemoveMissing: the contact ids the removals need have been learnt (IdsLearnt).</summary>
    public bool IdsLearnt { get; private set; }

    /// <summary>-RemoveMissing: the removal requests are written (RemovePlanned); RemovalContacts holds each one's contacts.</summary>
    public bool RemovalsPlanned { get; private set; }

    /// <summary>The contacts of each removal request, in order.</summary>
    public IReadOnlyList<int> RemovalContacts { get; private set; } = Array.Empty<int>();

    /// <summary>List memberships removed: the contacts of the removal requests whose activity completed.</summary>
    public long RemovedCount
    {
        get
        {
            long removed = 0;
            for (int batch = 1; batch <= RemovalContacts.Count; batch++)
            {
                if (IsRemovalConfirmed(batch))
                {
                    removed += RemovalContacts[batch - 1];
                }
            }

            return removed;
        }
    }

    /// <summary>The activity of removal request <paramref name="batch"/>, or null while it has none.</summary>
    public string? RemovalActivityOf(int batch) => removalByBatch.TryGetValue(batch, out string? id) ? id : null;

    /// <summary>The end state of a removal activity, or null while it is not done.</summary>
    public string? RemovalStateOf(string activityId) => removalDone.TryGetValue(activityId, out string? state) ? state : null;

    /// <summary>True when removal request <paramref name="batch"/>'s activity completed: its contacts are off the list.</summary>
    public bool IsRemovalConfirmed(int batch) => RemovalActivityOf(batch) is string id && RemovalStateOf(id) == "completed";

    /// <summary>When the run's first import was POSTed (its earliest Sending), or null when it sent none.</summary>
    public DateTimeOffset? FirstSendingAt { get; private set; }

    /// <summary>Requests made to Constant Contact, over every invocation of the run.</summary>
    public int RequestCount { get; private set; }

    /// <summary>Activity ids in batch order.</summary>
    public IReadOnlyList<string> ActivityIds => activityByBatch.OrderBy(p => p.Key).Select(p => p.Value).ToList();

    public long ImportedCount => doneByActivity.Values.Sum(e => e.PersonCount ?? 0);

    public long CorrectableCount => doneByActivity.Values.Sum(e => e.CorrectableCount ?? 0);

    public long ErrorCount => doneByActivity.Values.Sum(e => e.ErrorCount ?? 0);

    public long CannotAddToListCount => doneByActivity.Values.Sum(e => e.CannotAddToListCount ?? 0);

    public IEnumerable<JournalEntry> FinishedActivities => doneByActivity.Values;

    /// <summary>True when the run's files cannot be trusted (<see cref="RunState.Damaged"/>); Message says which and why.</summary>
    public bool IsDamaged => State == RunState.Damaged;

    /// <summary>True when the run can go on with -Resume.</summary>
    public bool IsUnfinished => State is RunState.Staging or RunState.Sending or RunState.Stopped or RunState.Submitted;

    /// <summary>
    /// The lists a batch's body names, bit i for <c>Manifest.ListIds[i]</c>: as journaled when the run was staged, or
    /// when the body was sent while staging; every list of the run for runs from before per-segment lists.
    /// </summary>
    public ulong ListsOf(int batch)
    {
        if (IsStaged && batch >= 1 && batch <= BatchLists.Count && BatchLists[batch - 1] != 0)
        {
            return BatchLists[batch - 1];
        }

        return listsWhileStaging.TryGetValue(batch, out ulong lists) && lists != 0 ? lists : Staging.RunLists.All(Manifest.ListIds.Count);
    }

    public string? ActivityOf(int batch) => activityByBatch.TryGetValue(batch, out string? id) ? id : null;

    /// <summary>A batch whose POST was started but whose answer was never journaled: it may have been accepted.</summary>
    public bool IsInDoubt(int batch) => sending.ContainsKey(batch) && !activityByBatch.ContainsKey(batch);

    /// <summary>When the batch was last journaled Sending.</summary>
    public DateTimeOffset? SendingTimeOf(int batch) => sending.TryGetValue(batch, out DateTimeOffset at) ? at : null;

    /// <summary>Bodies sent (or about to be) before the run was staged, with their fingerprints: a restaging must make them again.</summary>
    public IReadOnlyDictionary<int, string> BodyHashes => bodyHashes;

    /// <summary>True when any batch was sent or about to be, whatever came of it.</summary>
    public bool AnySent => sending.Count > 0 || activityByBatch.Count > 0;

    public bool IsActivityDone(string activityId) => doneByActivity.ContainsKey(activityId);

    /// <summary>The ActivityDone entry of an activity, or null while it is not done.</summary>
    public JournalEntry? DoneOf(string activityId) => doneByActivity.TryGetValue(activityId, out JournalEntry? done) ? done : null;

    /// <summary>The batches the run has: all of them once staged, before that the ones accepted while staging.</summary>
    public IEnumerable<int> BodyBatches() => IsStaged ? Enumerable.Range(1, BatchCount) : activityByBatch.Keys.OrderBy(b => b);

    /// <summary>Batches with no activity yet, in order.</summary>
    public IEnumerable<int> UnsentBatches() => Enumerable.Range(1, BatchCount).Where(b => !activityByBatch.ContainsKey(b));

    /// <summary>Activities that have not reached an end state.</summary>
    public IEnumerable<string> PendingActivities() => ActivityIds.Where(id => !doneByActivity.ContainsKey(id));

    /// <summary>
    /// -Resume of a run that has sent nothing yet (no Sending journaled): its lists are read again before its first
    /// import, as contacts may have joined them another way while it was stopped. The next OutsidersRead entry sets it again.
    /// </summary>
    public void ReadOutsidersAgain()
    {
        if (FirstSendingAt is null)
        {
            OutsidersRead = false;
        }
    }

    /// <summary>Marks the run damaged: whatever it read so far stays for what it shows, and nothing resumes it.</summary>
    public void MarkDamaged(string message)
    {
        State = RunState.Damaged;
        Message = message;
    }

    /// <summary>
    /// Applies one journal entry in order.
    /// </summary>
    /// <exception cref="RunJournalContradictionException">The entry contradicts the run or the entries before it (a field it needs is missing,
    /// a batch the run does not have, a second Staged, Submitted for a batch never journaled Sending).</exception>
    public void Apply(JournalEntry entry)
    {
        Check(entry);
        switch (entry.Type)
        {
            case JournalEntryType.Staged:
                IsStaged = true;
                InputCount = entry.InputCount ?? 0;
                OutOfSegmentCount = entry.OutOfSegmentCount ?? 0;
                InvalidCount = entry.InvalidCount ?? 0;
                DuplicateCount = entry.DuplicateCount ?? 0;
                UnchangedCount = entry.UnchangedCount ?? 0;
                SubmittedCount = entry.SubmittedCount ?? 0;
                BatchCount = entry.BatchCount ?? 0;
                BatchContacts = entry.BatchContacts ?? new List<int>();
                BatchLists = entry.BatchLists ?? new List<ulong>();
                State = RunState.Sending;
                break;
            case JournalEntryType.BatchStaged:
                bodyHashes[entry.Batch!.Value] = entry.BodyHash!;
                if (entry.Lists is { } lists)
                {
                    listsWhileStaging[entry.Batch!.Value] = lists;
                }

                break;
            case JournalEntryType.Sending:
                sending[entry.Batch!.Value] = entry.At;
                FirstSendingAt = FirstSendingAt is { } first && first <= entry.At ? first : entry.At;
                everSending.Add(entry.Batch!.Value);
                break;
            case JournalEntryType.Submitted:
                // A Submitted without an activity id (written by versions that took "200 {}" for an answer) proves
                // nothing: the batch stays in doubt and is looked up, or sent again.
                if (!string.IsNullOrWhiteSpace(entry.ActivityId))
                {
                    activityByBatch[entry.Batch!.Value] = entry.ActivityId!;
                }

                break;
            case JournalEntryType.NotAccepted:
                sending.Remove(entry.Batch!.Value);
                break;
            case JournalEntryType.ActivityDone:
                doneByActivity[entry.ActivityId!] = entry;
                break;
            case JournalEntryType.OutsidersRead:
                OutsidersRead = true;
                break;
            case JournalEntryType.IdsLearnt:
                IdsLearnt = true;
                break;
            case JournalEntryType.RemovePlanned:
                RemovalsPlanned = true;
                RemovalContacts = entry.BatchContacts ?? new List<int>();
                break;
            case JournalEntryType.RemoveSubmitted:
                removalByBatch[entry.Batch!.Value] = entry.ActivityId!;
                break;
            case JournalEntryType.RemoveDone:
                removalDone[entry.ActivityId!] = entry.ActivityState ?? string.Empty;
                break;
            case JournalEntryType.State:
                State = entry.State ?? State;
                Message = entry.Message;
                ErrorId = entry.ErrorId;
                RequestCount += entry.Requests ?? 0;
                if (State is RunState.Completed or RunState.CompletedWithErrors or RunState.Failed or RunState.WhatIf)
                {
                    CompletedAt = entry.At;
                }

                break;
        }
    }

    private void Check(JournalEntry entry)
    {
        string? problem = entry.Type switch
        {
            JournalEntryType.Staged when IsStaged => "a second Staged entry",
            JournalEntryType.Staged when entry.BatchCount is null or < 0 => "a Staged entry without its batch count",
            JournalEntryType.Sending or JournalEntryType.Submitted or JournalEntryType.NotAccepted or JournalEntryType.BatchStaged
                when entry.Batch is null or < 1 || (IsStaged && entry.Batch > BatchCount) => $"an entry for batch {entry.Batch?.ToString() ?? "(none)"}, which the run does not have",
            JournalEntryType.Submitted when string.IsNullOrEmpty(entry.ActivityId) => $"batch {entry.Batch} Submitted without an activity id",
            JournalEntryType.Submitted when !everSending.Contains(entry.Batch!.Value) => $"batch {entry.Batch} Submitted without being journaled Sending first",
            JournalEntryType.ActivityDone when string.IsNullOrEmpty(entry.ActivityId) => "an ActivityDone entry without an activity id",
            JournalEntryType.BatchStaged when string.IsNullOrEmpty(entry.BodyHash) => $"batch {entry.Batch} staged without its fingerprint",
            JournalEntryType.RemovePlanned when RemovalsPlanned || entry.BatchContacts is null => "a removal plan twice, or one without its requests",
            JournalEntryType.RemoveSending or JournalEntryType.RemoveSubmitted
                when !RemovalsPlanned || entry.Batch is null or < 1 || entry.Batch > RemovalContacts.Count => $"an entry for removal request {entry.Batch?.ToString() ?? "(none)"}, which the run does not have",
            JournalEntryType.RemoveSubmitted or JournalEntryType.RemoveDone when string.IsNullOrEmpty(entry.ActivityId) => "a removal entry without an activity id",
            _ => null,
        };
        if (problem is not null)
        {
            throw new RunJournalContradictionException($"it holds {problem}");
        }
    }
}

/// <summary>A journal entry that contradicts its run or the entries before it: the journal cannot be trusted.</summary>
public sealed class RunJournalContradictionException : Exception
{
    public RunJournalContradictionException(string message)
        : base(message)
    {
    }
}
