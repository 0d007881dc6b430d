using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// Puts into the export's sync state what a run delivered and Constant Contact confirmed, once, just before the line
/// that ends the run for good is journaled (so a kill before it leaves the run resumable, and the resumed run records
/// the same again). A batch counts as confirmed when its activity completed with no errors, no correctable rows and no
/// previously unsubscribed contacts: an activity's counts do not say which contacts they were, so such a batch records
/// none of its contacts and the next run sends them again. The contacts of confirmed batches come from the key files
/// staged beside the bodies (<see cref="SyncKeysFile"/>); the new state is the old one with those contacts set
/// (fingerprint, and the lists of their body added to the ones they were put on before), written atomically. Each
/// body's lists come from the journal (<see cref="RunStatus.ListsOf"/>): with per-segment lists they differ by body.
/// </summary>
internal static class RunSyncRecorder
{
    /// <summary>Records the run's confirmed batches; a sentence for the run's message when something was left out, or null.</summary>
    public static string? Record(StoragePaths paths, string runFolder, RunStatus status, DateTimeOffset now)
    {
        string batches = Path.Combine(runFolder, ExportStaging.BatchFolderName);
        // Sized once (24 bytes a contact sent) rather than grown through doubling: a million is 24 MB, not up to 48.
        var entries = new List<Confirmed>(status.IsStaged ? (int)Math.Min(status.SubmittedCount, int.MaxValue) : 0);
        var body = new List<SyncKeyEntry>();
        int confirmed = 0;
        int missing = 0;
        foreach (int batch in status.BodyBatches())
        {
            if (!IsConfirmed(status, batch))
            {
                continue;
            }

            int contacts = status.IsStaged && batch <= status.BatchContacts.Count ? status.BatchContacts[batch - 1] : -1;
            body.Clear();
            if (SyncKeysFile.TryRead(Path.Combine(batches, SyncKeysFile.FileName(batch)), contacts, body))
            {
                ulong lists = status.ListsOf(batch);
                foreach (SyncKeyEntry entry in body)
                {
                    entries.Add(new Confirmed(entry, lists));
                }

                confirmed++;
            }
            else
            {
                missing++;
            }
        }

        if (confirmed == 0)
        {
            // Nothing confirmed (or a run staged before the sync existed): the state stays as it is.
            return null;
        }

        string path = SyncStateLocation.PathOf(paths, status.Manifest.ExportName);
        try
        {
            SyncState? old;
            try
            {
                old = SyncStateFile.Load(path);
            }
            catch (SyncStateDamagedException)
            {
                // The run was told (it sent every profile); the new state starts from what it confirmed.
                old = null;
            }

            Write(path, old, status.Manifest.ListIds, Distinct(entries), now);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"The sync state was not updated ({ex.Message}): the next run sends these contacts again.";
        }

        return missing == 0 ? null : $"{missing} confirmed batch(es) had no key file and are not recorded in the sync state: the next run sends their contacts again.";
    }

    private static bool IsConfirmed(RunStatus status, int batch) =>
        status.ActivityOf(batch) is string id
        && status.DoneOf(id) is { } done
        && done.ActivityState == "completed"
        && (done.ErrorCount ?? 0) == 0
        && (done.CorrectableCount ?? 0) == 0
        && (done.CannotAddToListCount ?? 0) == 0;

    /// <summary>Sorted by key; a key that two contacts of the run share (a hash collision) is left out, so both are sent next time.</summary>
    private static List<Confirmed> Distinct(List<Confirmed> entries)
    {
        entries.Sort((a, b) => a.Key.CompareTo(b.Key));
        var distinct = new List<Confirmed>(entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            int j = i;
            while (j + 1 < entries.Count && entries[j + 1].Key == entries[i].Key)
            {
                j++;
            }

            if (j == i)
            {
                distinct.Add(entries[i]);
            }

            i = j;
        }

        return distinct;
    }

    private static void Write(string path, SyncState? old, IReadOnlyList<string> runListIds, List<Confirmed> sent, DateTimeOffset now)
    {
        IReadOnlyList<Guid> oldLists = old?.Lists ?? Array.Empty<Guid>();
        List<Guid> runLists = runListIds.Select(SyncListIds.Of).Distinct().ToList();

        // The table keeps the old lists and adds the run's; past 64, the lists the run does not name go first.
        List<Guid> lists = oldLists.Concat(runLists.Where(l => !oldLists.Contains(l))).ToList();
        if (lists.Count > SyncStateFile.MaxLists)
        {
            lists = runLists.Concat(oldLists.Where(l => !runLists.Contains(l))).Take(SyncStateFile.MaxLists).ToList();
        }

        int[] remap = oldLists.Select(l => lists.IndexOf(l)).ToArray();

        // Run list i (the manifest's ListIds[i]) is entry runToTable[i] of the new table.
        int[] runToTable = runListIds.Select(id => lists.IndexOf(SyncListIds.Of(id))).ToArray();

        IEnumerable<SyncRecord> oldRecords = old?.Records ?? Enumerable.Empty<SyncRecord>();
        long count = Merge(oldRecords, sent, remap, runToTable).LongCount();
        using SyncStateWriter writer = SyncStateFile.Create(path, lists, count, now);
        foreach (SyncRecord record in Merge(oldRecords, sent, remap, runToTable))
        {
            writer.Add(record);
        }

        writer.Commit();
    }

    /// <summary>The old records (lists moved to the new table) with the run's sent contacts set, in key order.</summary>
    private static IEnumerable<SyncRecord> Merge(IEnumerable<SyncRecord> old, List<Confirmed> sent, int[] remap, int[] runToTable)
    {
        int next = 0;
        foreach (SyncRecord record in old)
        {
            while (next < sent.Count && sent[next].Key < record.Key)
            {
                yield return new SyncRecord(sent[next].Key, sent[next].Fingerprint, Guid.Empty, Remap(sent[next].Lists, runToTable));
                next++;
            }

            ulong lists = Remap(record.Lists, remap);
            if (next < sent.Count && sent[next].Key == record.Key)
            {
                yield return new SyncRecord(record.Key, sent[next].Fingerprint, record.ContactId, lists | Remap(sent[next].Lists, runToTable));
                next++;
            }
            else
            {
                yield return record.WithLists(lists);
            }
        }

        for (; next < sent.Count; next++)
        {
            yield return new SyncRecord(sent[next].Key, sent[next].Fingerprint, Guid.Empty, Remap(sent[next].Lists, runToTable));
        }
    }

    private static ulong Remap(ulong bits, int[] remap)
    {
        ulong moved = 0;
        for (int i = 0; i < remap.Length; i++)
        {
            if ((bits & (1UL << i)) != 0 && remap[i] >= 0)
            {
                moved |= 1UL << remap[i];
            }
        }

        return moved;
    }

    /// <summary>A confirmed contact: its key and fingerprint, and the lists of its body (bits over the run's lists).</summary>
    private readonly struct Confirmed
    {
        public Confirmed(SyncKeyEntry entry, ulong lists)
        {
            Key = entry.Key;
            Fingerprint = entry.Fingerprint;
            Lists = lists;
        }

        public ulong Key { get; }

        public ulong Fingerprint { get; }

        public ulong Lists { get; }
    }
}
