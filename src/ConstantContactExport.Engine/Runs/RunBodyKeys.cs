using System;
using System.Collections.Generic;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// The contacts of a run's bodies (from the key files staged beside them, <see cref="SyncKeysFile"/>) with the run's
/// lists each body goes to: what the run's own imports put on its lists, which a read of a list after them must not
/// take for contacts that joined another way. Sorted arrays, 16 bytes a contact; a key in two bodies has both's lists.
/// </summary>
internal sealed class RunBodyKeys
{
    private readonly ulong[] keys;
    private readonly ulong[] lists;

    private RunBodyKeys(ulong[] keys, ulong[] lists)
    {
        this.keys = keys;
        this.lists = lists;
    }

    public int Count => keys.Length;

    /// <summary>The bodies <paramref name="which"/> picks (every body when null).</summary>
    public static RunBodyKeys Of(RunStatus status, string batches, Func<int, bool>? which = null)
    {
        var entries = new List<PresentEntry>(status.IsStaged ? (int)Math.Min(status.SubmittedCount, int.MaxValue) : 0);
        var body = new List<SyncKeyEntry>();
        foreach (int batch in status.BodyBatches())
        {
            if (which is not null && !which(batch))
            {
                continue;
            }

            if (RunSyncRecorder.TryReadBodyKeys(status, batches, batch, body))
            {
                ulong bits = status.ListsOf(batch);
                foreach (SyncKeyEntry entry in body)
                {
                    entries.Add(new PresentEntry(entry.Key, bits));
                }
            }
        }

        (ulong[] keys, ulong[] lists) = PresentEntry.SortAndJoin(entries);
        return new RunBodyKeys(keys, lists);
    }

    /// <summary>True when a body of the run put the contact on run list <paramref name="runList"/>.</summary>
    public bool Has(ulong key, int runList)
    {
        int at = Array.BinarySearch(keys, key);
        return at >= 0 && (lists[at] & (1UL << runList)) != 0;
    }

    /// <summary>The keys on run list <paramref name="runList"/>.</summary>
    public IReadOnlyCollection<ulong> On(int runList)
    {
        var on = new List<ulong>();
        for (int i = 0; i < keys.Length; i++)
        {
            if ((lists[i] & (1UL << runList)) != 0)
            {
                on.Add(keys[i]);
            }
        }

        return on;
    }
}
