using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// An export's sync state in memory: its list table and its records sorted by key (40 bytes each, one array, so a
/// million contacts take 40 MB). Read-only; a new state is written with <see cref="SyncStateWriter"/>.
/// </summary>
public sealed class SyncState
{
    private readonly SyncRecord[] records;

    internal SyncState(IReadOnlyList<Guid> lists, SyncRecord[] records, int count, DateTimeOffset savedAt)
    {
        Lists = lists;
        this.records = records;
        Count = count;
        SavedAt = savedAt;
    }

    /// <summary>The export's lists: bit i of a record's <see cref="SyncRecord.Lists"/> is <c>Lists[i]</c>.</summary>
    public IReadOnlyList<Guid> Lists { get; }

    public int Count { get; }

    /// <summary>When the state was written (after Constant Contact confirmed what it records).</summary>
    public DateTimeOffset SavedAt { get; }

    public SyncRecord this[int index] =>
        (uint)index < (uint)Count ? records[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>A state with no records yet: what a first run starts from.</summary>
    public static SyncState Empty(IReadOnlyList<Guid> lists)
    {
        SyncStateFile.CheckLists(lists);
        return new SyncState(lists, Array.Empty<SyncRecord>(), 0, DateTimeOffset.MinValue);
    }

    /// <summary>The records in key order, for <see cref="SyncDiff.Compare"/>.</summary>
    public IEnumerable<SyncRecord> Records
    {
        get
        {
            for (int i = 0; i < Count; i++)
            {
                yield return records[i];
            }
        }
    }

    /// <summary>The index of a list in the table, or -1.</summary>
    public int ListIndex(Guid listId)
    {
        for (int i = 0; i < Lists.Count; i++)
        {
            if (Lists[i] == listId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Finds a contact's record by key (binary search).</summary>
    public bool TryFind(ulong key, out SyncRecord record)
    {
        int low = 0;
        int high = Count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            ulong found = records[middle].Key;
            if (found == key)
            {
                record = records[middle];
                return true;
            }

            if (found < key)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        record = default;
        return false;
    }
}
