using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ConstantContactExport.Engine.Sync;

/// <summary>The leavers of one list of the run: the contacts the export put on it that no profile in the segment names now.</summary>
public sealed class ListRemovals
{
    internal ListRemovals(int runIndex, string listId, long members)
    {
        RunIndex = runIndex;
        ListId = listId;
        Members = members;
    }

    /// <summary>The list's index in the run's list ids.</summary>
    public int RunIndex { get; }

    public string ListId { get; }

    /// <summary>
    /// The base of MaxRemovePercent: the contacts the sync state has on the list (the export put them there). The
    /// run's newcomers do not count: a wrong input brings its own, and would take the share under the limit. A run
    /// refused RemoveLimitExceeded records its imports, so the -Force run after it counts its newcomers among these.
    /// </summary>
    public long Members { get; }

    /// <summary>The state's records to take off the list, in key order.</summary>
    public List<SyncRecord> Leavers { get; } = new();

    /// <summary>
    /// How many contacts one run may take off the list: <paramref name="maxRemovePercent"/> percent of the members,
    /// rounded down, but at least one (a list under 10 members would fail at the default 10 every time one contact left);
    /// 0 percent allows none.
    /// </summary>
    public long Allowed(int maxRemovePercent) => maxRemovePercent <= 0 ? 0 : Math.Max(1, Members * maxRemovePercent / 100);

    /// <summary>True when the leavers are more than <see cref="Allowed"/>.</summary>
    public bool IsOver(int maxRemovePercent) => Leavers.Count > Allowed(maxRemovePercent);

    /// <summary>
    /// "6 of the 50 contacts of list L (12%; MaxRemovePercent 10 allows 5)": the counts the run's RemoveLimitExceeded and
    /// -WhatIf's warning give, from this one place. <paramref name="list"/> names the list (its id or name).
    /// </summary>
    public string LimitText(int maxRemovePercent, string list) =>
        string.Format(CultureInfo.InvariantCulture, "{0} of the {1} contacts of list {2} ({3}; MaxRemovePercent {4} allows {5})", Leavers.Count, Members, list, Percent, maxRemovePercent, Allowed(maxRemovePercent));

    public string Percent => Members == 0 ? "0%" : ((double)Leavers.Count * 100 / Members).ToString(Leavers.Count * 100L % Members == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + "%";
}

/// <summary>
/// What a -RemoveMissing run removes, per list of the run: the sync state's records on the list (contacts this export
/// put there and Constant Contact confirmed) whose key the run's profiles in the segment do not name on that list
/// (<see cref="PresentKeysFile"/>), less the contacts found on the list before the export first put them there
/// (<see cref="SyncKept"/>: they joined it another way). Contacts that joined a list any other way and were never sent
/// are not in the state, so they are never here either. Pure logic: one merge of two key-sorted sequences.
/// </summary>
public sealed class RemovalPlan
{
    private RemovalPlan(List<ListRemovals> lists)
    {
        Lists = lists;
    }

    /// <summary>One entry per list of the run that the state's table has, in the run's order.</summary>
    public IReadOnlyList<ListRemovals> Lists { get; }

    public long Total => Lists.Sum(l => (long)l.Leavers.Count);

    /// <param name="state">The export's state (null: nothing was put on any list yet).</param>
    /// <param name="present">The run's profiles in the segment, key-sorted.</param>
    /// <param name="runListIds">The run's lists: bit i of a present entry is list i.</param>
    /// <param name="kept">The export's outsiders (never removed from the lists they joined another way), or null.</param>
    public static RemovalPlan Of(SyncState? state, PresentEntry[] present, IReadOnlyList<string> runListIds, SyncKept? kept = null)
    {
        var lists = new List<ListRemovals>();
        if (state is null)
        {
            return new RemovalPlan(lists);
        }

        var runIndex = new List<int>();
        var stateIndex = new List<int>();
        for (int i = 0; i < runListIds.Count && i < 64; i++)
        {
            int index = state.ListIndex(SyncListIds.Of(runListIds[i]));
            if (index >= 0)
            {
                runIndex.Add(i);
                stateIndex.Add(index);
            }
        }

        long[] members = SyncDiffSummary.MembersPerList(state);
        for (int l = 0; l < runIndex.Count; l++)
        {
            lists.Add(new ListRemovals(runIndex[l], runListIds[runIndex[l]], members[stateIndex[l]]));
        }

        int next = 0;
        foreach (SyncRecord record in state.Records)
        {
            while (next < present.Length && present[next].Key < record.Key)
            {
                next++;
            }

            ulong presentLists = next < present.Length && present[next].Key == record.Key ? present[next].Lists : 0;
            for (int l = 0; l < lists.Count; l++)
            {
                if ((record.Lists & (1UL << stateIndex[l])) != 0 && (presentLists & (1UL << lists[l].RunIndex)) == 0
                    && !(kept?.IsOutsider(record.Key, state.Lists[stateIndex[l]]) ?? false))
                {
                    lists[l].Leavers.Add(record);
                }
            }
        }

        return new RemovalPlan(lists);
    }

    /// <summary>The first list whose removals are past <paramref name="maxRemovePercent"/> (<see cref="ListRemovals.IsOver"/>), or null.</summary>
    public ListRemovals? OverLimit(int maxRemovePercent) => Lists.FirstOrDefault(l => l.IsOver(maxRemovePercent));

    /// <summary>"list A: 3 of 120 (2.5%); list B: ..." for messages (no personal data: counts and list ids).</summary>
    public string Describe(Func<string, string>? nameOf = null) =>
        string.Join("; ", Lists.Select(l => $"list {nameOf?.Invoke(l.ListId) ?? l.ListId}: {l.Leavers.Count} of {l.Members} ({l.Percent})"));
}
