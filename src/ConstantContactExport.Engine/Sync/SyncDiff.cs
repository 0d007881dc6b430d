using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Sync;

/// <summary>How a profile of this run (or a contact of the state) compares with what the export last delivered.</summary>
public enum SyncChange
{
    /// <summary>In the run, not in the state: to be sent.</summary>
    New,

    /// <summary>In both, but its fields changed or it belongs on a list it was not put on: to be sent.</summary>
    Changed,

    /// <summary>In both, same fields, on every list it belongs on already: not sent.</summary>
    Unchanged,

    /// <summary>In the state, not in the run: it left the segment; removal candidate on every list it was put on.</summary>
    Gone,
}

/// <summary>One profile of a run as the diff sees it: its key, the fingerprint of the fields it would be sent with, and the lists (bits of the state's list table) it belongs on.</summary>
public readonly struct SyncRunEntry
{
    public SyncRunEntry(ulong key, ulong fingerprint, ulong lists)
    {
        Key = key;
        Fingerprint = fingerprint;
        Lists = lists;
    }

    public ulong Key { get; }

    public ulong Fingerprint { get; }

    public ulong Lists { get; }
}

/// <summary>One line of a diff: a run profile, a state record, or both when they share a key.</summary>
public readonly struct SyncDiffEntry
{
    internal SyncDiffEntry(SyncChange change, SyncRunEntry current, SyncRecord previous)
    {
        Change = change;
        Current = current;
        Previous = previous;
    }

    public SyncChange Change { get; }

    public ulong Key => Change == SyncChange.Gone ? Previous.Key : Current.Key;

    /// <summary>The run's profile; default for <see cref="SyncChange.Gone"/>.</summary>
    public SyncRunEntry Current { get; }

    /// <summary>The state's record; default for <see cref="SyncChange.New"/>.</summary>
    public SyncRecord Previous { get; }

    /// <summary>The lists the profile belongs on now and was not put on: the import's lists for it.</summary>
    public ulong AddedLists => Current.Lists & ~Previous.Lists;

    /// <summary>The lists the export put the contact on that it no longer belongs on: where it is to be removed from.</summary>
    public ulong RemovedLists => Previous.Lists & ~Current.Lists;

    public bool ToSend => Change is SyncChange.New or SyncChange.Changed;
}

/// <summary>
/// Compares a run with the state in one merge of two key-sorted sequences (pure logic, no I/O, streaming: it holds
/// one entry of each side at a time). A profile that moved from one list to another is <see cref="SyncChange.Changed"/>
/// (sent to its new list) with the old list in <see cref="SyncDiffEntry.RemovedLists"/>; one that left a list but
/// stays on another, with the same fields, is <see cref="SyncChange.Unchanged"/> with that list in RemovedLists.
/// </summary>
public static class SyncDiff
{
    /// <summary>
    /// Every run profile and every state record, in key order, each once.
    /// </summary>
    /// <param name="state">The state's records, strictly ascending by key (as <see cref="SyncState.Records"/>).</param>
    /// <param name="run">The run's profiles, strictly ascending by key, each on at least one list.</param>
    /// <exception cref="ArgumentException">A side is out of order, repeats a key, or a run profile is on no list (raised when reached).</exception>
    public static IEnumerable<SyncDiffEntry> Compare(IEnumerable<SyncRecord> state, IEnumerable<SyncRunEntry> run)
    {
        if (state is null)
        {
            throw new ArgumentNullException(nameof(state));
        }

        if (run is null)
        {
            throw new ArgumentNullException(nameof(run));
        }

        return Merge(state, run);
    }

    private static IEnumerable<SyncDiffEntry> Merge(IEnumerable<SyncRecord> state, IEnumerable<SyncRunEntry> run)
    {
        using IEnumerator<SyncRecord> old = state.GetEnumerator();
        using IEnumerator<SyncRunEntry> now = run.GetEnumerator();
        bool hasOld = NextOld(old, null);
        bool hasNow = NextNow(now, null);
        while (hasOld || hasNow)
        {
            if (hasNow && (!hasOld || now.Current.Key < old.Current.Key))
            {
                SyncRunEntry entry = now.Current;
                yield return new SyncDiffEntry(SyncChange.New, entry, default);
                hasNow = NextNow(now, entry.Key);
            }
            else if (hasOld && (!hasNow || old.Current.Key < now.Current.Key))
            {
                SyncRecord record = old.Current;
                yield return new SyncDiffEntry(SyncChange.Gone, default, record);
                hasOld = NextOld(old, record.Key);
            }
            else
            {
                SyncRunEntry entry = now.Current;
                SyncRecord record = old.Current;
                bool changed = entry.Fingerprint != record.Fingerprint || (entry.Lists & ~record.Lists) != 0;
                yield return new SyncDiffEntry(changed ? SyncChange.Changed : SyncChange.Unchanged, entry, record);
                hasNow = NextNow(now, entry.Key);
                hasOld = NextOld(old, record.Key);
            }
        }
    }

    private static bool NextOld(IEnumerator<SyncRecord> old, ulong? previous)
    {
        if (!old.MoveNext())
        {
            return false;
        }

        if (previous is { } key && old.Current.Key <= key)
        {
            throw new ArgumentException($"The state's records are not in strictly ascending key order at {old.Current.Key:x16}.", "state");
        }

        return true;
    }

    private static bool NextNow(IEnumerator<SyncRunEntry> now, ulong? previous)
    {
        if (!now.MoveNext())
        {
            return false;
        }

        if (previous is { } key && now.Current.Key <= key)
        {
            throw new ArgumentException(
                now.Current.Key == key
                    ? $"The run holds the key {key:x16} twice: two addresses of one run share a key, or the run was not de-duplicated."
                    : $"The run's profiles are not in ascending key order at {now.Current.Key:x16}.",
                "run");
        }

        if (now.Current.Lists == 0)
        {
            throw new ArgumentException($"The run's profile {now.Current.Key:x16} is on no list; leave profiles out of the segment out of the run.", "run");
        }

        return true;
    }
}

/// <summary>
/// A diff summed up: counts, and per list of the state's table the contacts to remove from it. What -WhatIf shows
/// and what -MaxRemovePercent is checked against. Contacts to remove whose contact id is not known yet are
/// counted apart: their ids must be learnt before they can be removed.
/// </summary>
public sealed class SyncDiffSummary
{
    private readonly List<SyncRecord>[] removals;

    private SyncDiffSummary(int listCount)
    {
        removals = new List<SyncRecord>[listCount];
        for (int i = 0; i < listCount; i++)
        {
            removals[i] = new List<SyncRecord>();
        }
    }

    public long NewCount { get; private set; }

    public long ChangedCount { get; private set; }

    public long UnchangedCount { get; private set; }

    public long GoneCount { get; private set; }

    /// <summary>Removals (contact, list) whose contact id the state does not have yet.</summary>
    public long RemovalsWithoutContactId { get; private set; }

    public long ToSendCount => NewCount + ChangedCount;

    /// <summary>
    /// Sums up <paramref name="entries"/>; removals are kept for the lists in <paramref name="listCount"/> (the state's
    /// table). Holds only the removals, so a million unchanged profiles cost nothing here.
    /// </summary>
    public static SyncDiffSummary Of(IEnumerable<SyncDiffEntry> entries, int listCount)
    {
        if (listCount < 0 || listCount > SyncStateFile.MaxLists)
        {
            throw new ArgumentOutOfRangeException(nameof(listCount));
        }

        var summary = new SyncDiffSummary(listCount);
        foreach (SyncDiffEntry entry in entries)
        {
            switch (entry.Change)
            {
                case SyncChange.New: summary.NewCount++; break;
                case SyncChange.Changed: summary.ChangedCount++; break;
                case SyncChange.Unchanged: summary.UnchangedCount++; break;
                default: summary.GoneCount++; break;
            }

            ulong removed = entry.RemovedLists;
            for (int list = 0; removed != 0 && list < listCount; list++, removed >>= 1)
            {
                if ((removed & 1) != 0)
                {
                    summary.removals[list].Add(entry.Previous);
                    if (!entry.Previous.HasContactId)
                    {
                        summary.RemovalsWithoutContactId++;
                    }
                }
            }
        }

        return summary;
    }

    /// <summary>The contacts to take off list <paramref name="listIndex"/> of the state's table, in key order.</summary>
    public IReadOnlyList<SyncRecord> RemovalsFrom(int listIndex) => removals[listIndex];

    /// <summary>How many contacts the state has on a list: the base of -MaxRemovePercent for that list.</summary>
    public static long[] MembersPerList(SyncState state)
    {
        var counts = new long[state.Lists.Count];
        for (int i = 0; i < state.Count; i++)
        {
            ulong lists = state[i].Lists;
            for (int list = 0; lists != 0; list++, lists >>= 1)
            {
                counts[list] += (long)(lists & 1);
            }
        }

        return counts;
    }
}
