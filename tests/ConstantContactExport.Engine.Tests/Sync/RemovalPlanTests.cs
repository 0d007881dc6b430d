using System;
using System.Linq;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Tests.Sync;

public sealed class RemovalPlanTests
{
    private const string A = "11111111-0000-4000-8000-000000000001";
    private const string B = "11111111-0000-4000-8000-000000000002";
    private const string C = "11111111-0000-4000-8000-000000000003";

    private static SyncState State(params SyncRecord[] records)
    {
        Guid[] lists = { SyncListIds.Of(A), SyncListIds.Of(B), SyncListIds.Of(C) };
        return new SyncState(lists, records.OrderBy(r => r.Key).ToArray(), records.Length, DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void A_leaver_is_a_state_record_on_a_run_list_that_no_present_profile_names_on_that_list()
    {
        SyncState state = State(
            new SyncRecord(1, 0, Guid.Empty, 0b011),   // on A and B, present on A only: leaves B
            new SyncRecord(2, 0, Guid.Empty, 0b001),   // on A, present: stays
            new SyncRecord(3, 0, Guid.Empty, 0b101),   // on A and C, absent: leaves A; C is not a run list, untouched
            new SyncRecord(4, 0, Guid.Empty, 0b010));  // on B, absent: leaves B
        PresentEntry[] present = { new(1, 0b01), new(2, 0b11), new(9, 0b11) };

        RemovalPlan plan = RemovalPlan.Of(state, present, new[] { A, B });

        Assert.Equal(new[] { A, B }, plan.Lists.Select(l => l.ListId));
        Assert.Equal(new ulong[] { 3 }, plan.Lists[0].Leavers.Select(r => r.Key));
        Assert.Equal(new ulong[] { 1, 4 }, plan.Lists[1].Leavers.Select(r => r.Key));

        // The base of MaxRemovePercent is what the export has on the list; the run's newcomers (9, and 2 on B) do not count.
        Assert.Equal((3L, 2L), (plan.Lists[0].Members, plan.Lists[1].Members));
        Assert.Equal(3, plan.Total);
    }

    [Fact]
    public void MaxRemovePercent_is_a_share_of_the_members_the_state_has_on_the_list()
    {
        SyncState state = State(Enumerable.Range(1, 20).Select(i => new SyncRecord((ulong)i, 0, Guid.Empty, 0b001)).ToArray());
        PresentEntry[] keepEighteen = Enumerable.Range(1, 18).Select(i => new PresentEntry((ulong)i, 1)).ToArray();
        PresentEntry[] keepSeventeen = keepEighteen.Take(17).ToArray();

        Assert.Null(RemovalPlan.Of(state, keepEighteen, new[] { A }).OverLimit(10));
        RemovalPlan over = RemovalPlan.Of(state, keepSeventeen, new[] { A });
        Assert.Equal("15%", over.OverLimit(10)!.Percent);
        Assert.Null(over.OverLimit(15));
        Assert.Equal($"list {A}: 3 of 20 (15%)", over.Describe());
    }

    [Theory]
    [InlineData(1, 1, 10, false)]   // a list may always lose one contact a run
    [InlineData(5, 1, 10, false)]
    [InlineData(5, 2, 10, true)]
    [InlineData(9, 1, 10, false)]
    [InlineData(9, 2, 10, true)]
    [InlineData(10, 1, 10, false)]
    [InlineData(10, 2, 10, true)]
    [InlineData(11, 1, 10, false)]
    [InlineData(11, 2, 10, true)]
    [InlineData(19, 2, 10, true)]   // 10% of 19 is 1.9: rounded down
    [InlineData(20, 2, 10, false)]
    [InlineData(100, 10, 10, false)]
    [InlineData(100, 11, 10, true)]
    [InlineData(1, 1, 0, true)]     // 0 allows none, not even one
    [InlineData(100, 1, 0, true)]
    [InlineData(100, 0, 0, false)]
    [InlineData(5, 5, 100, false)]  // 100 allows every one
    [InlineData(1, 1, 50, false)]
    [InlineData(4, 2, 50, false)]
    [InlineData(4, 3, 50, true)]
    public void MaxRemovePercent_allows_its_share_rounded_down_but_always_one(int members, int leavers, int percent, bool over)
    {
        SyncState state = State(Enumerable.Range(1, members).Select(i => new SyncRecord((ulong)i, 0, Guid.Empty, 0b001)).ToArray());
        PresentEntry[] staying = Enumerable.Range(leavers + 1, members - leavers).Select(i => new PresentEntry((ulong)i, 1)).ToArray();

        RemovalPlan plan = RemovalPlan.Of(state, staying, new[] { A });

        ListRemovals list = Assert.Single(plan.Lists);
        Assert.Equal((members, leavers), (list.Members, list.Leavers.Count));
        Assert.Equal(over, list.IsOver(percent));
        Assert.Equal(over, plan.OverLimit(percent) is not null);
        Assert.Equal(percent == 0 ? 0 : Math.Max(1, members * percent / 100), list.Allowed(percent));
    }

    [Fact]
    public void A_wrong_input_full_of_newcomers_does_not_take_the_share_under_the_limit()
    {
        // 20 on the list, all put there by the export; the next input is another file: 200 new addresses, none of the 20.
        SyncRecord[] members = Enumerable.Range(1, 20).Select(i => new SyncRecord((ulong)i, 0, Guid.Empty, 0b001)).ToArray();
        PresentEntry[] wrong = Enumerable.Range(1000, 200).Select(i => new PresentEntry((ulong)i, 1)).ToArray();

        ListRemovals list = RemovalPlan.Of(State(members), wrong, new[] { A }).Lists.Single();

        Assert.Equal((20, 20L), (list.Leavers.Count, list.Members));
        Assert.True(list.IsOver(10));
        Assert.Equal($"20 of the 20 contacts of list {A} (100%; MaxRemovePercent 10 allows 2)", list.LimitText(10, A));
    }

    [Fact]
    public void A_list_the_state_does_not_have_and_no_state_plan_nothing()
    {
        Assert.Empty(RemovalPlan.Of(null, Array.Empty<PresentEntry>(), new[] { A }).Lists);
        Assert.Empty(RemovalPlan.Of(State(new SyncRecord(1, 0, Guid.Empty, 1)), Array.Empty<PresentEntry>(), new[] { "22222222-0000-4000-8000-000000000009" }).Lists);
    }
}
