using System;
using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Exports;

namespace ConstantContactExport.Engine.Staging;

/// <summary>
/// A set of a run's lists as bits: bit i is <c>RunManifest.ListIds[i]</c> (at most 50 lists, so a <see cref="ulong"/>).
/// What a profile's lists are, what each body's <c>list_ids</c> are, and what the journal keeps of each body.
/// </summary>
public static class RunLists
{
    /// <summary>Every one of <paramref name="count"/> lists.</summary>
    public static ulong All(int count) => count switch
    {
        < 0 or > 64 => throw new ArgumentOutOfRangeException(nameof(count), count, "A run has 0 to 64 lists."),
        64 => ulong.MaxValue,
        _ => (1UL << count) - 1,
    };

    /// <summary>
    /// Each mapped segment with the bit of its list among <paramref name="runListIds"/>; null without a map (every
    /// profile in segment goes to every list).
    /// </summary>
    /// <exception cref="ArgumentException">The map names a list that is not one of the run's.</exception>
    public static IReadOnlyList<KeyValuePair<string, ulong>>? BySegment(IReadOnlyList<string> runListIds, IReadOnlyList<ListMapEntry>? map)
    {
        if (map is null || map.Count == 0)
        {
            return null;
        }

        var bits = new List<KeyValuePair<string, ulong>>(map.Count);
        foreach (ListMapEntry entry in map)
        {
            int index = IndexOf(runListIds, entry.ListId);
            if (index < 0)
            {
                throw new ArgumentException($"The list map sends segment '{entry.Segment}' to list {entry.ListId}, which is not one of the run's lists.", nameof(map));
            }

            bits.Add(new KeyValuePair<string, ulong>(entry.Segment, 1UL << index));
        }

        return bits;
    }

    /// <summary>The ids of the lists in <paramref name="bits"/>, in the run's order.</summary>
    public static IEnumerable<string> Ids(IReadOnlyList<string> runListIds, ulong bits) =>
        runListIds.Where((_, i) => (bits & (1UL << i)) != 0);

    /// <summary>The indexes of the lists in <paramref name="bits"/>.</summary>
    public static IEnumerable<int> Indexes(ulong bits)
    {
        for (int i = 0; i < 64; i++)
        {
            if ((bits & (1UL << i)) != 0)
            {
                yield return i;
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (int i = 0; i < ids.Count; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
