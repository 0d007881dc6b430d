using System;
using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Staging;

/// <summary>
/// The offline half of an export: each profile is decided OutOfSegment, Invalid, Duplicate, Unchanged or Submitted,
/// in that order; Submitted ones are written into import bodies (the open body of the profile's lists, see
/// <see cref="RunListsOf"/>), Invalid ones into the reject report, and the ledger counts every one. Memory stays
/// flat: nothing per profile is kept but 16 bytes for duplicates (and, with a sync, 16 bytes a contact of the open
/// bodies, written out with them).
/// </summary>
public sealed class ProfilePipeline
{
    private readonly ExportMapping mapping;
    private readonly ImportBatchWriter batches;
    private readonly RejectReportWriter? rejects;
    private readonly SyncStaging? sync;
    private readonly ContactBuilder builder;
    private readonly SegmentMatcher segments;
    private readonly EmailDeduplicator duplicates = new();
    private readonly ImportContact contact = new();
    private readonly ulong? wholeInputLists;
    private readonly bool perSegmentLists;
    private readonly long[]? sentPerList;
    private readonly long[]? unchangedPerList;

    /// <param name="mapping">The export's mapping and segments.</param>
    /// <param name="inputSegments">The segments of the whole input (Invoke-CCExport -Segment), which then override any segment property; null to read each profile's segment property.</param>
    /// <param name="batches">Receives the Submitted contacts.</param>
    /// <param name="rejects">Receives a row for each Invalid profile; null for none.</param>
    /// <param name="sync">Decides Unchanged and notes what each body holds; null to send every unique valid profile.</param>
    /// <param name="segmentLists">Per-segment lists (<see cref="RunLists.BySegment"/>): each segment with the bits of its
    /// lists among the writer's; the segments are then these, not the mapping's. Null: every profile in one of the
    /// mapping's segments goes to every list.</param>
    public ProfilePipeline(ExportMapping mapping, IReadOnlyList<string>? inputSegments, ImportBatchWriter batches, RejectReportWriter? rejects, SyncStaging? sync = null, IReadOnlyList<KeyValuePair<string, ulong>>? segmentLists = null)
    {
        this.sync = sync;
        this.mapping = mapping ?? throw new ArgumentNullException(nameof(mapping));
        this.batches = batches ?? throw new ArgumentNullException(nameof(batches));
        this.rejects = rejects;
        builder = new ContactBuilder(mapping);
        perSegmentLists = segmentLists is not null;
        segments = segmentLists is not null ? new SegmentMatcher(segmentLists) : new SegmentMatcher(mapping.Segments);
        if (perSegmentLists)
        {
            sentPerList = new long[64];
            unchangedPerList = new long[64];
        }

        if (inputSegments is not null && inputSegments.Count > 0)
        {
            wholeInputLists = ListsOfSegments(segments.BitsOf(inputSegments));
        }
        else if (mapping.SegmentIndex < 0)
        {
            throw new ArgumentException(
                "The export has no segment field, so the input's segment must be given (Invoke-CCExport -Segment).", nameof(inputSegments));
        }
    }

    public ExportLedger Ledger { get; } = new();

    /// <summary>
    /// With per-segment lists, the profiles to send and the unchanged ones of each list of the writer (index i: list i);
    /// null without (every profile goes to every list, so the ledger says it).
    /// </summary>
    public IReadOnlyList<(long Sent, long Unchanged)>? PerList =>
        sentPerList is null ? null : Enumerable.Range(0, 64).Where(i => (batches.AllLists & (1UL << i)) != 0).Select(i => (sentPerList[i], unchangedPerList![i])).ToList();

    /// <summary>Bytes held by the duplicate check's table (tests, benchmarks).</summary>
    internal long DuplicateTableBytes => duplicates.AllocatedBytes;

    /// <summary>Decides one profile and sends it where it belongs.</summary>
    /// <param name="record">The profile; it may be reused by the caller once this returns.</param>
    /// <param name="issue">Why it is Invalid, for the caller's error record.</param>
    public ProfileOutcome Add(ProfileRecord record, out ProfileIssue? issue)
    {
        ProfileOutcome outcome = Decide(record, out issue);
        Ledger.Record(outcome);
        if (outcome == ProfileOutcome.Invalid)
        {
            rejects?.Write(new RejectedProfile(
                record.RecordNumber,
                record.LineNumber,
                record.SourceName ?? "pipeline",
                EmailText(record),
                issue!));
        }

        return outcome;
    }

    /// <summary>
    /// Says that about <paramref name="profiles"/> more profiles are coming (for a file: its remaining bytes over
    /// the bytes a record so far), so that the duplicate check makes room for them in one step instead of growing
    /// through every size in between, whose outgrown tables would swell the peak memory until a full collection.
    /// Only a hint: the table still grows if more come.
    /// </summary>
    public void ExpectMore(long profiles)
    {
        long seen = Ledger.InputCount;
        if (seen == 0 || profiles <= 0)
        {
            return;
        }

        // The share of profiles that reached the duplicate check so far, and a tenth more for an uneven file.
        double share = Math.Min(1.0, 1.1 * (Ledger.DuplicateCount + Ledger.UnchangedCount + Ledger.SubmittedCount) / seen);
        duplicates.EnsureCapacity(duplicates.Count + (long)(profiles * share));
    }

    /// <summary>Closes the last import body and flushes the reject report.</summary>
    public void Complete()
    {
        batches.Complete();
        sync?.Complete();
        rejects?.Flush();
    }

    private ProfileOutcome Decide(ProfileRecord record, out ProfileIssue? issue)
    {
        ulong lists = RunListsOf(record, out issue);
        if (issue is not null)
        {
            // Its segment cannot be told either: with -RemoveMissing it is kept on every list, never taken for a leaver.
            NotePresent(null, record, sync?.AllLists ?? 0);
            if (record.ReadIssue?.Reason == RejectReason.MalformedRow)
            {
                // A quote left open swallows the rows after it: their profiles would look like leavers.
                sync?.NoteMalformedRow();
            }

            return ProfileOutcome.Invalid;
        }

        if (lists == 0)
        {
            return ProfileOutcome.OutOfSegment;
        }

        issue = builder.Build(record.Values, out string? email, contact);
        NotePresent(email, record, lists);
        if (issue is not null)
        {
            return ProfileOutcome.Invalid;
        }

        if (!duplicates.Add(email!))
        {
            return ProfileOutcome.Duplicate;
        }

        if (sync is not null && sync.IsUnchanged(contact, lists))
        {
            Count(unchangedPerList, lists);
            return ProfileOutcome.Unchanged;
        }

        batches.Add(contact, lists);
        sync?.Sent(lists);
        Count(sentPerList, lists);
        return ProfileOutcome.Submitted;
    }

    /// <summary>
    /// -RemoveMissing: a profile that may be in the segment keeps its contact on <paramref name="lists"/>. Its key is the
    /// address as sent, or, for a rejected profile, the address as it would be sent or cleaned up to
    /// (<see cref="EmailMatchForm"/>), so that the contact an earlier run sent for it stays (a leaver is one no such
    /// profile names).
    /// </summary>
    private void NotePresent(string? email, ProfileRecord record, ulong lists)
    {
        if (sync is not { NotesPresent: true })
        {
            return;
        }

        if (email is null)
        {
            SourceValue value = record.Values.Length > mapping.EmailIndex ? record.Values[mapping.EmailIndex] : default;
            if (value.Kind != SourceValueKind.Text || string.IsNullOrWhiteSpace(value.Text))
            {
                return;
            }

            email = EmailMatchForm.Of(value.Text)!;
        }

        sync.NotePresent(email, lists);
    }

    /// <summary>
    /// Which of the run's lists a profile goes to, as bits over the writer's lists (the run manifest's ListIds): the
    /// lists of every segment it is in (per-segment lists), or every list when it is in one of the export's segments;
    /// 0 when it is in none (OutOfSegment). A record that could not be read whole, or whose segment property is not
    /// text, gives 0 and the issue (Invalid): it cannot be trusted for its segment either. Whether the profile is valid
    /// and unique is not decided here.
    /// </summary>
    public ulong RunListsOf(ProfileRecord record, out ProfileIssue? issue)
    {
        issue = record.ReadIssue;
        if (issue is not null)
        {
            return 0;
        }

        if (wholeInputLists.HasValue)
        {
            return wholeInputLists.Value;
        }

        SourceValue value = record.Values[mapping.SegmentIndex];
        if (value.Kind == SourceValueKind.NotText)
        {
            issue = new ProfileIssue(RejectReason.FieldNotText, mapping.SegmentField,
                $"The segment property '{mapping.SegmentField}' holds a {value.Text}; segment names are wanted.");
            return 0;
        }

        return ListsOfSegments(segments.BitsOf(value));
    }

    /// <summary>Without per-segment lists the matcher's bit only says "a member": a member goes to every list.</summary>
    private ulong ListsOfSegments(ulong bits) => perSegmentLists || bits == 0 ? bits : batches.AllLists;

    private static void Count(long[]? perList, ulong lists)
    {
        if (perList is null)
        {
            return;
        }

        for (int i = 0; i < perList.Length && lists >> i != 0; i++)
        {
            if ((lists & (1UL << i)) != 0)
            {
                perList[i]++;
            }
        }
    }

    private string EmailText(ProfileRecord record)
    {
        SourceValue value = record.Values.Length > mapping.EmailIndex ? record.Values[mapping.EmailIndex] : default;
        return value.Kind == SourceValueKind.Text ? TextChecks.Printable(value.Text!.Trim(), 254) : string.Empty;
    }
}
