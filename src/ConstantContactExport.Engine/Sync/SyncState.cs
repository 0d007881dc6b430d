using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// An export's sync state in memory: its list table and its records sorted by key (40 bytes each, one array, so a
/// million contacts take 40 MB), with a table of where each key prefix starts (4 bytes a record at most) so that a
/// lookup touches two or three places in memory instead of the twenty of a binary search. Read-only; a new state is
/// written with <see cref="SyncStateWriter"/>.
/// </summary>
public sealed class SyncState
{
    private readonly SyncRecord[] records;

    // Keys are hashes, spread evenly: records whose key starts with prefix p (its top prefixBits bits) are
    // records[starts[p]] to records[starts[p + 1] - 1], about one each.
    private readonly int[] starts;
    private readonly int prefixShift;

    internal SyncState(IReadOnlyList<Guid> lists, SyncRecord[] records, int count, DateTimeOffset savedAt)
    {
        Lists = lists;
        this.records = records;
        Count = count;
        SavedAt = savedAt;
        (starts, prefixShift) = PrefixStarts(records, count);
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

    /// <summary>Finds a contact's record by key.</summary>
    public bool TryFind(ulong key, out SyncRecord record)
    {
        if (Count > 0)
        {
            int prefix = (int)(key >> prefixShift);
            int end = starts[prefix + 1];
            for (int i = starts[prefix]; i < end; i++)
            {
                ulong found = records[i].Key;
                if (found >= key)
                {
                    if (found == key)
                    {
                        record = records[i];
                        return true;
                    }

                    break;
                }
            }
        }

        record = default;
        return false;
    }

    private static (int[] Starts, int Shift) PrefixStarts(SyncRecord[] records, int count)
    {
        if (count == 0)
        {
            return (Array.Empty<int>(), 63);
        }

        // As many prefixes as records (a power of two, 2 to 2^24): about one record a prefix.
        int bits = 1;
        while (bits < 24 && (1 << bits) < count)
        {
            bits++;
        }

        int shift = 64 - bits;
        var starts = new int[(1 << bits) + 1];
        int next = 0;
        for (int prefix = 0; prefix < 1 << bits; prefix++)
        {
            starts[prefix] = next;
            while (next < count && (int)(records[next].Key >> shift) == prefix)
            {
                next++;
            }
        }

        starts[1 << bits] = count;
        return (starts, shift);
    }
}
