using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Runs;

/// <summary>What a journal line records.</summary>
public enum JournalEntryType
{
    /// <summary>Staging finished: the bodies on disk are the run's; BatchCount and the ledger are final.</summary>
    Staged,

    /// <summary>About to POST a batch (written and flushed before the request: write-ahead).</summary>
    Sending,

    /// <summary>Constant Contact accepted a batch as an activity.</summary>
    Submitted,

    /// <summary>Constant Contact answered that it did not take a batch (quota, full queue, refused): it is not in doubt.</summary>
    NotAccepted,

    /// <summary>An activity reached an end state, with its counts.</summary>
    ActivityDone,

    /// <summary>The run stopped or ended: State says how.</summary>
    State,

    /// <summary>
    /// A body about to be sent while its run is still staging (before Staged): its fingerprint, so that a resume
    /// that stages the files again can tell whether it made the same body.
    /// </summary>
    BatchStaged,

    /// <summary>-RemoveMissing: the run's imports are done; it starts learning contact ids (GET /contacts pages, to ids.learnt).</summary>
    LearningIds,

    /// <summary>The contact ids the removals need are learnt (and those of the run's new contacts, as far as found).</summary>
    IdsLearnt,

    /// <summary>The removals are written, one file a request (BatchCount, BatchContacts): from here they are what is sent.</summary>
    RemovePlanned,

    /// <summary>About to POST removal request Batch (write-ahead; removal is idempotent, so one in doubt is sent again).</summary>
    RemoveSending,

    /// <summary>Constant Contact accepted removal request Batch as ActivityId.</summary>
    RemoveSubmitted,

    /// <summary>A removal activity reached an end state (ActivityState).</summary>
    RemoveDone,

    /// <summary>
    /// -RemoveMissing, before the run's first import: the contacts that joined its lists another way since the export
    /// last looked were read (outsiders.before in the run's folder). Read again (a second entry) only by a -Resume
    /// before the run's first Sending.
    /// </summary>
    OutsidersRead,
}

/// <summary>One line of a run's journal (journal.jsonl): appended, flushed to disk, never rewritten.</summary>
public sealed class JournalEntry
{
    public JournalEntryType Type { get; set; }

    public DateTimeOffset At { get; set; }

    public int? Batch { get; set; }

    public string? ActivityId { get; set; }

    /// <summary>BatchStaged: the body's fingerprint (<see cref="Import.BodyHash"/>).</summary>
    public string? BodyHash { get; set; }

    /// <summary>BatchStaged: the body's lists, bit i for the manifest's ListIds[i]; null in runs from before (every list).</summary>
    public ulong? Lists { get; set; }

    /// <summary>ActivityDone: the activity's end state (completed, failed, cancelled, timed_out).</summary>
    public string? ActivityState { get; set; }

    public long? PersonCount { get; set; }

    public long? CorrectableCount { get; set; }

    public long? ErrorCount { get; set; }

    public long? CannotAddToListCount { get; set; }

    public List<string>? ActivityErrors { get; set; }

    /// <summary>State: the run's state.</summary>
    public RunState? State { get; set; }

    /// <summary>State: why, for a person. Sending: why the batch is sent again, when it is.</summary>
    public string? Message { get; set; }

    /// <summary>State: the ErrorId of a run that failed for a stated reason (RemoveLimitExceeded), or null.</summary>
    public string? ErrorId { get; set; }

    /// <summary>State: requests made to Constant Contact since the run started or resumed.</summary>
    public int? Requests { get; set; }

    /// <summary>Staged: the ledger and the batches.</summary>
    public long? InputCount { get; set; }

    public long? OutOfSegmentCount { get; set; }

    public long? InvalidCount { get; set; }

    public long? DuplicateCount { get; set; }

    public long? UnchangedCount { get; set; }

    public long? SubmittedCount { get; set; }

    public int? BatchCount { get; set; }

    /// <summary>Staged: the contacts in each batch, in order.</summary>
    public List<int>? BatchContacts { get; set; }

    /// <summary>Staged: each batch's lists, in order, bit i for the manifest's ListIds[i]; null in runs from before (every list).</summary>
    public List<ulong>? BatchLists { get; set; }
}
