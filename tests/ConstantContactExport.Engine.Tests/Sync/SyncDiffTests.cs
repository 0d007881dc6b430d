using System;
using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Sync;
using CsCheck;

namespace ConstantContactExport.Engine.Tests.Sync;

public sealed class SyncDiffTests
{
    private const ulong ListA = 0b01;
    private const ulong ListB = 0b10;
    private static readonly Guid Known = new("6f1c0000-0000-0000-0000-000000000001");

    private static SyncRecord Old(ulong key, ulong fingerprint, ulong lists, bool knownId = true) =>
        new(key, fingerprint, knownId ? new Guid((int)key, 0, 0, new byte[8]) : Guid.Empty, lists);

    private static SyncRunEntry Now(ulong key, ulong fingerprint, ulong lists) => new(key, fingerprint, lists);

    [Fact]
    public void Each_profile_is_new_changed_or_unchanged_and_leavers_are_gone_from_their_lists()
    {
        SyncRecord[] state =
        {
            Old(10, 100, ListA),                 // unchanged
            Old(20, 200, ListA),                 // fields changed
            Old(30, 300, ListA),                 // left the segment
            Old(40, 400, ListA),                 // moved from A to B (-ListMap)
            Old(50, 500, ListA | ListB),         // left B, still in A, same fields
            Old(60, 600, ListA, knownId: false), // left, id never learnt
        };
        SyncRunEntry[] run =
        {
            Now(5, 50, ListA),
            Now(10, 100, ListA),
            Now(20, 201, ListA),
            Now(40, 400, ListB),
            Now(50, 500, ListA),
            Now(70, 700, ListA | ListB),
        };

        List<SyncDiffEntry> diff = SyncDiff.Compare(state, run).ToList();
        Assert.Equal(new ulong[] { 5, 10, 20, 30, 40, 50, 60, 70 }, diff.Select(e => e.Key));
        Assert.Equal(
            new[] { SyncChange.New, SyncChange.Unchanged, SyncChange.Changed, SyncChange.Gone, SyncChange.Changed, SyncChange.Unchanged, SyncChange.Gone, SyncChange.New },
            diff.Select(e => e.Change));

        SyncDiffEntry moved = diff.Single(e => e.Key == 40);
        Assert.Equal(ListB, moved.AddedLists);
        Assert.Equal(ListA, moved.RemovedLists);
        Assert.True(moved.ToSend);
        SyncDiffEntry leftB = diff.Single(e => e.Key == 50);
        Assert.Equal(0UL, leftB.AddedLists);
        Assert.Equal(ListB, leftB.RemovedLists);
        Assert.False(leftB.ToSend);
        Assert.Equal(ListA, diff.Single(e => e.Key == 30).RemovedLists);
        Assert.Equal(0UL, diff.Single(e => e.Key == 20).RemovedLists);
        Assert.Equal(ListA | ListB, diff.Single(e => e.Key == 70).AddedLists);

        SyncDiffSummary summary = SyncDiffSummary.Of(diff, 2);
        Assert.Equal((2L, 2L, 2L, 2L), (summary.NewCount, summary.ChangedCount, summary.UnchangedCount, summary.GoneCount));
        Assert.Equal(4, summary.ToSendCount);
        Assert.Equal(new ulong[] { 30, 40, 60 }, summary.RemovalsFrom(0).Select(r => r.Key));
        Assert.Equal(new ulong[] { 50 }, summary.RemovalsFrom(1).Select(r => r.Key));
        Assert.Equal(1, summary.RemovalsWithoutContactId);
        Assert.All(summary.RemovalsFrom(0).Where(r => r.Key != 60), r => Assert.True(r.HasContactId));
    }

    [Fact]
    public void A_first_run_is_all_new_and_an_empty_run_is_all_gone()
    {
        SyncRunEntry[] run = { Now(1, 1, ListA), Now(2, 2, ListA) };
        Assert.All(SyncDiff.Compare(SyncState.Empty(new[] { Known }).Records, run), e => Assert.Equal(SyncChange.New, e.Change));

        SyncRecord[] state = { Old(1, 1, ListA), Old(2, 2, ListA) };
        SyncDiffSummary summary = SyncDiffSummary.Of(SyncDiff.Compare(state, Array.Empty<SyncRunEntry>()), 1);
        Assert.Equal(2, summary.GoneCount);
        Assert.Equal(2, summary.RemovalsFrom(0).Count);
        Assert.Equal(new long[] { 2 }, SyncDiffSummary.MembersPerList(StateOf(state, 1)));
    }

    [Fact]
    public void A_run_out_of_order_with_a_key_twice_or_a_profile_on_no_list_is_refused()
    {
        SyncRecord[] state = { Old(1, 1, ListA) };
        Assert.Throws<ArgumentException>(() => SyncDiff.Compare(state, new[] { Now(2, 1, ListA), Now(2, 2, ListA) }).ToList());
        Assert.Throws<ArgumentException>(() => SyncDiff.Compare(state, new[] { Now(3, 1, ListA), Now(2, 2, ListA) }).ToList());
        Assert.Throws<ArgumentException>(() => SyncDiff.Compare(state, new[] { Now(3, 1, 0) }).ToList());
        Assert.Throws<ArgumentException>(() => SyncDiff.Compare(new[] { Old(2, 1, ListA), Old(1, 1, ListA) }, Array.Empty<SyncRunEntry>()).ToList());
    }

    [Fact]
    public void The_diff_agrees_with_set_arithmetic_on_any_state_and_run()
    {
        Gen<(ulong Key, ulong Fingerprint, ulong Lists)[]> side = Gen.Select(Gen.ULong[0, 60], Gen.ULong[0, 2], Gen.ULong[1, 7]).Array[0, 40];
        Gen.Select(side, side).Sample((oldSide, nowSide) =>
        {
            SyncRecord[] state = oldSide.DistinctBy(x => x.Key).OrderBy(x => x.Key).Select(x => Old(x.Key, x.Fingerprint, x.Lists, x.Key % 3 != 0)).ToArray();
            SyncRunEntry[] run = nowSide.DistinctBy(x => x.Key).OrderBy(x => x.Key).Select(x => Now(x.Key, x.Fingerprint, x.Lists)).ToArray();
            var byKeyOld = state.ToDictionary(r => r.Key);
            var byKeyNow = run.ToDictionary(r => r.Key);

            List<SyncDiffEntry> diff = SyncDiff.Compare(state, run).ToList();
            Assert.Equal(byKeyOld.Keys.Union(byKeyNow.Keys).Order(), diff.Select(e => e.Key));
            foreach (SyncDiffEntry entry in diff)
            {
                bool inOld = byKeyOld.TryGetValue(entry.Key, out SyncRecord old);
                bool inNow = byKeyNow.TryGetValue(entry.Key, out SyncRunEntry now);
                SyncChange expected = !inOld ? SyncChange.New
                    : !inNow ? SyncChange.Gone
                    : old.Fingerprint != now.Fingerprint || (now.Lists & ~old.Lists) != 0 ? SyncChange.Changed
                    : SyncChange.Unchanged;
                Assert.Equal(expected, entry.Change);
                Assert.Equal((inOld ? old.Lists : 0) & ~(inNow ? now.Lists : 0), entry.RemovedLists);
            }

            SyncDiffSummary summary = SyncDiffSummary.Of(diff, 3);
            for (int list = 0; list < 3; list++)
            {
                ulong bit = 1UL << list;
                var leavers = state.Where(r => (r.Lists & bit) != 0 && (!byKeyNow.TryGetValue(r.Key, out SyncRunEntry n) || (n.Lists & bit) == 0)).Select(r => r.Key);
                Assert.Equal(leavers, summary.RemovalsFrom(list).Select(r => r.Key));
            }

            Assert.Equal(run.Length, summary.NewCount + summary.ChangedCount + summary.UnchangedCount);
            Assert.Equal(state.Length, summary.ChangedCount + summary.UnchangedCount + summary.GoneCount);
        }, iter: 500);
    }

    [Fact]
    public void A_state_and_its_run_diff_in_a_merge_without_holding_either_side()
    {
        // Both sides are generated lazily: the diff of a million profiles holds one entry of each at a time.
        static IEnumerable<SyncRecord> State()
        {
            for (ulong k = 0; k < 1_000_000; k++)
            {
                yield return new SyncRecord(k * 2, k, Guid.Empty, ListA);
            }
        }

        static IEnumerable<SyncRunEntry> Run()
        {
            for (ulong k = 0; k < 1_000_000; k++)
            {
                // 1% changed, every 100th key shifted by one (a new profile in place of a gone one).
                yield return new SyncRunEntry((k * 2) + (k % 100 == 50 ? 1UL : 0), k % 100 == 7 ? k + 1 : k, ListA);
            }
        }

        SyncDiffSummary summary = SyncDiffSummary.Of(SyncDiff.Compare(State(), Run()), 1);
        Assert.Equal(10_000, summary.NewCount);
        Assert.Equal(10_000, summary.GoneCount);
        Assert.Equal(10_000, summary.ChangedCount);
        Assert.Equal(980_000, summary.UnchangedCount);
        Assert.Equal(10_000, summary.RemovalsFrom(0).Count);
    }

    private static SyncState StateOf(SyncRecord[] records, int listCount)
    {
        using var folder = new TempFolder();
        string path = folder.File("s.sync");
        SyncStateFile.Save(path, Enumerable.Range(1, listCount).Select(i => new Guid(i, 0, 0, new byte[8])).ToArray(), records, DateTimeOffset.UnixEpoch);
        return SyncStateFile.Load(path)!;
    }
}
