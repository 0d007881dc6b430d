using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// Puts into the export's sync state what a run delivered and Constant Contact confirmed, once, just before the line
/// that ends the run for good is journaled (so a kill before it leaves the run resumable, and the resumed run records
/// the same again). A batch counts as confirmed when its activity completed with no errors and no correctable rows:
/// an activity's counts do not say which contacts they were, so such a batch records none of its contacts and the
/// next run sends them again. Previously unsubscribed contacts do not hold a batch back: importing them again changes
/// nothing (they are never re-subscribed), so all its contacts are recorded; an unsubscribed one is on no list, and
/// when it leaves the segment the removal finds it already off. The contacts of confirmed batches come from the key files
/// staged beside the bodies (<see cref="SyncKeysFile"/>); the new state is the old one with those contacts set
/// (fingerprint, and the lists of their body added to the ones they were put on before), written atomically. Each
/// body's lists come from the journal (<see cref="RunStatus.ListsOf"/>): with per-segment lists they differ by body.
/// </summary>
internal static class RunSyncRecorder
{
    /// <summary>
    /// Records the run's confirmed batches and removals; a sentence for the run's message when something was left out,
    /// or null. <paramref name="loadedState"/> is the state as this process loaded it before staging (the export's lock
    /// kept the file as it was), or null to load it.
    /// </summary>
    /// <remarks>
    /// <paramref name="prepared"/> (taken over: disposed here) is the state written ahead (<see cref="PreparedState"/>);
    /// it is put in place when every batch was confirmed and the run read no list and removed nothing, and thrown away
    /// otherwise.
    /// </remarks>
    public static string? Record(StoragePaths paths, string runFolder, RunStatus status, DateTimeOffset now, SyncState? loadedState = null, PreparedState? prepared = null)
    {
        string batches = Path.Combine(runFolder, ExportStaging.BatchFolderName);
        RemovalResults removals = status.Manifest.RemoveMissing ? RemovalResults.Read(status, batches) : RemovalResults.None;
        ListReadFile? before = ListReadFile.TryRead(Path.Combine(runFolder, ListReadFile.BeforeImportsName));
        ListReadFile? after = ListReadFile.TryRead(Path.Combine(batches, ListReadFile.AfterImportsName));
        if (SupersededNote(loadedState, status) is { } superseded)
        {
            prepared?.Dispose();
            return superseded;
        }

        using (prepared)
        {
            if (prepared is not null && removals.IsEmpty && before is null && after is null
                && status.BodyBatches().All(batch => IsConfirmed(status, batch)) && prepared.TakeSealed() is { } ready)
            {
                using (ready)
                {
                    try
                    {
                        ready.Commit();
                        return null;
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        return $"The sync state was not updated ({ex.Message}): the next run sends these contacts again.";
                    }
                }
            }
        }

        List<Confirmed> entries = ConfirmedEntries(status, batches, out int confirmed, out int missing);
        bool writeState = confirmed > 0 || !removals.IsEmpty;
        if (!writeState && before is null && after is null)
        {
            // Nothing confirmed or read (or a run staged before the sync existed): the state stays as it is.
            return null;
        }

        string path = SyncStateLocation.PathOf(paths, status.Manifest.ExportName);
        string? keptNote;
        try
        {
            SyncState? old = LoadOld(path, loadedState);
            if (SupersededNote(old, status) is { } later)
            {
                return later;
            }

            // The kept record first, naming the state that follows: a crash between the two leaves the old state,
            // beside which the record's previous watermarks count (SyncKept).
            keptNote = RecordKept(paths, status, batches, before, after, old, writeState ? now.ToUnixTimeMilliseconds() : SyncKept.PairOf(old));
            if (writeState)
            {
                Write(path, old, status.Manifest.ListIds, Distinct(entries), removals, now);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"The sync state was not updated ({ex.Message}): the next run sends these contacts again.";
        }

        string? note = missing == 0 ? null : $"{missing} confirmed batch(es) had no key file and are not recorded in the sync state: the next run sends their contacts again.";
        return note is null ? keptNote : keptNote is null ? note : note + " " + keptNote;
    }

    /// <summary>
    /// A state saved after the run started (by a later run, or by this one before it was interrupted) is left as it
    /// is: recording an older run over it would put back values Constant Contact no longer holds, so that the next run
    /// took them for unchanged. At worst the next run sends this run's contacts again. Null when the run may record.
    /// </summary>
    private static string? SupersededNote(SyncState? state, RunStatus status) =>
        status.Manifest.IsSupersededBy(state)
            ? $"The sync state was saved after this run started ({state!.SavedAt:u}, by a later run or by this one before it was interrupted); it is left as it is, and the next run sends any contact whose values differ."
            : null;

    /// <summary>The state the new one is made from: <paramref name="loadedState"/>, else the file; null when damaged (the run was told, and sent every profile).</summary>
    private static SyncState? LoadOld(string path, SyncState? loadedState)
    {
        try
        {
            return loadedState ?? SyncStateFile.Load(path);
        }
        catch (SyncStateDamagedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Puts what the run's reads of its lists found into the export's kept record (<see cref="SyncKept"/>): the
    /// outsiders, and per list read its new watermark (the read after the imports when there was one, else the one
    /// before them) with, for a list read only before the imports, the contacts of its imports that the state will not
    /// record (not confirmed), so that the next read does not take them for outsiders. A sentence when it was not kept.
    /// </summary>
    private static string? RecordKept(StoragePaths paths, RunStatus status, string batches, ListReadFile? before, ListReadFile? after, SyncState? old, long pairWith)
    {
        if (before is null && after is null)
        {
            return null;
        }

        string keptPath = SyncKept.PathOf(paths, status.Manifest.ExportName);
        SyncKept kept;
        try
        {
            kept = SyncKept.Load(keptPath);
        }
        catch (SyncStateDamagedException ex)
        {
            return $"What this run found on its lists was not kept: {ex.Message}";
        }

        IReadOnlyList<string> listIds = status.Manifest.ListIds;
        var read = new Dictionary<Guid, DateTimeOffset>();
        var recent = new Dictionary<Guid, IReadOnlyCollection<ulong>>();
        RunBodyKeys? unconfirmed = null;
        for (int i = 0; i < listIds.Count && i < 64; i++)
        {
            Guid list = SyncListIds.Of(listIds[i]);
            if (After(after, i) is { } mark)
            {
                read[list] = mark;
            }
            else if (After(before, i) is { } early)
            {
                read[list] = early;
                unconfirmed ??= RunBodyKeys.Of(status, batches, batch => !IsConfirmed(status, batch) && (status.ActivityOf(batch) is not null || status.IsInDoubt(batch)));
                recent[list] = unconfirmed.On(i);
            }
        }

        var found = new List<(ulong Key, Guid List)>();
        foreach (PresentEntry entry in (before?.Outsiders ?? new List<PresentEntry>()).Concat(after?.Outsiders ?? new List<PresentEntry>()))
        {
            for (int i = 0; i < listIds.Count && i < 64; i++)
            {
                if ((entry.Lists & (1UL << i)) != 0)
                {
                    found.Add((entry.Key, SyncListIds.Of(listIds[i])));
                }
            }
        }

        kept.With(old, pairWith, read, found, recent).Save(keptPath);
        return null;
    }

    private static DateTimeOffset? After(ListReadFile? file, int runList) => file is not null && runList < file.Watermarks.Length ? file.Watermarks[runList] : null;

    /// <summary>The keys, fingerprints and body lists of the contacts of the batches Constant Contact confirmed (unsorted).</summary>
    internal static List<Confirmed> ConfirmedEntries(RunStatus status, string batches, out int confirmed, out int missing) =>
        BodyEntries(status, batches, batch => IsConfirmed(status, batch), out confirmed, out missing);

    /// <summary>The keys, fingerprints and body lists of the contacts of the bodies <paramref name="take"/> names (unsorted).</summary>
    private static List<Confirmed> BodyEntries(RunStatus status, string batches, Func<int, bool> take, out int confirmed, out int missing)
    {
        // Sized once (24 bytes a contact sent) rather than grown through doubling: a million is 24 MB, not up to 48.
        var entries = new List<Confirmed>(status.IsStaged ? (int)Math.Min(status.SubmittedCount, int.MaxValue) : 0);
        var body = new List<SyncKeyEntry>();
        confirmed = 0;
        missing = 0;
        foreach (int batch in status.BodyBatches())
        {
            if (!take(batch))
            {
                continue;
            }

            if (TryReadBodyKeys(status, batches, batch, body))
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

        return entries;
    }

    /// <summary>
    /// Replaces <paramref name="body"/>'s entries with those of body <paramref name="batch"/>'s key file, which must
    /// hold as many as the body had contacts once the run is staged; false (nothing read) when it is missing or does not.
    /// </summary>
    internal static bool TryReadBodyKeys(RunStatus status, string batches, int batch, List<SyncKeyEntry> body)
    {
        int contacts = status.IsStaged && batch <= status.BatchContacts.Count ? status.BatchContacts[batch - 1] : -1;
        body.Clear();
        return SyncKeysFile.TryRead(Path.Combine(batches, SyncKeysFile.FileName(batch)), contacts, body);
    }

    private static bool IsConfirmed(RunStatus status, int batch) =>
        status.ActivityOf(batch) is string id
        && status.DoneOf(id) is { } done
        && done.ActivityState == "completed"
        && (done.ErrorCount ?? 0) == 0
        && (done.CorrectableCount ?? 0) == 0;

    /// <summary>Sorted by key; a key that two contacts of the run share (a hash collision) is left out, so both are sent next time.</summary>
    internal static List<Confirmed> Distinct(List<Confirmed> entries)
    {
        // Keys are hashes, spread evenly: each entry goes to the bucket of its key's top 16 bits (a dozen or so an
        // entry at a million), then each bucket is put in order. This runs once a process, in code the JIT has not
        // optimized yet; a comparison sort through a delegate took about 350 ms of a million's first run that way.
        const int Shift = 48;
        int count = entries.Count;
        var starts = new int[(1 << (64 - Shift)) + 1];
        foreach (Confirmed entry in entries)
        {
            starts[(int)(entry.Key >> Shift) + 1]++;
        }

        for (int bucket = 1; bucket < starts.Length; bucket++)
        {
            starts[bucket] += starts[bucket - 1];
        }

        var sorted = new Confirmed[count];
        int[] next = (int[])starts.Clone();
        foreach (Confirmed entry in entries)
        {
            sorted[next[(int)(entry.Key >> Shift)]++] = entry;
        }

        entries.Clear();
        for (int bucket = 0; bucket + 1 < starts.Length; bucket++)
        {
            SortBucket(sorted, starts[bucket], starts[bucket + 1]);
        }

        for (int i = 0; i < count; i++)
        {
            int j = i;
            while (j + 1 < count && sorted[j + 1].Key == sorted[i].Key)
            {
                j++;
            }

            if (j == i)
            {
                entries.Add(sorted[i]);
            }

            i = j;
        }

        return entries;
    }

    private static void SortBucket(Confirmed[] entries, int from, int to)
    {
        if (to - from > 32)
        {
            // Not the even spread of hashes (a test's small keys, or addresses chosen to share a prefix).
            Array.Sort(entries, from, to - from, ConfirmedByKey.Instance);
            return;
        }

        for (int i = from + 1; i < to; i++)
        {
            Confirmed moving = entries[i];
            int j = i - 1;
            while (j >= from && entries[j].Key > moving.Key)
            {
                entries[j + 1] = entries[j];
                j--;
            }

            entries[j + 1] = moving;
        }
    }

    private static void Write(string path, SyncState? old, IReadOnlyList<string> runListIds, List<Confirmed> sent, RemovalResults removals, DateTimeOffset now)
    {
        using SyncStateWriter writer = WriteSealed(path, old, runListIds, sent, removals, now);
        writer.Commit();
    }

    /// <summary>The new state, written and flushed to disk beside the old one; the caller commits (renames) or disposes it.</summary>
    private static SyncStateWriter WriteSealed(string path, SyncState? old, IReadOnlyList<string> runListIds, List<Confirmed> sent, RemovalResults removals, DateTimeOffset now)
    {
        AtomicFile.DeleteLeftovers(path);
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
        long count = removals.Apply(Merge(oldRecords, sent, remap, runToTable), runToTable).LongCount();
        SyncStateWriter writer = SyncStateFile.Create(path, lists, count, now);
        try
        {
            foreach (SyncRecord record in removals.Apply(Merge(oldRecords, sent, remap, runToTable), runToTable))
            {
                writer.Add(record);
            }

            writer.Seal();
            return writer;
        }
        catch
        {
            writer.Dispose();
            throw;
        }
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
    private sealed class ConfirmedByKey : IComparer<Confirmed>
    {
        public static readonly ConfirmedByKey Instance = new();

        public int Compare(Confirmed x, Confirmed y) => x.Key.CompareTo(y.Key);
    }

    /// <summary>
    /// The new sync state as it will be if Constant Contact confirms every import of the run, written and flushed to
    /// disk beside the old one on a worker thread while the run waits for the last imports (a run that removes
    /// contacts or reads its lists is not prepared). <see cref="Record"/> then only renames it into place, instead of
    /// reading, sorting and writing a million contacts after the last activity completed; when a batch was not
    /// confirmed it is deleted and the state written as before. Until then the old state stays as it is, so a crash
    /// leaves it (and a temporary file, deleted by the next write of the state under the export's lock).
    /// </summary>
    public sealed class PreparedState : IDisposable
    {
        private readonly Task<SyncStateWriter?> writing;
        private bool taken;

        private PreparedState(Task<SyncStateWriter?> writing) => this.writing = writing;

        /// <summary>Starts writing; <paramref name="loadedState"/> as for <see cref="Record"/>.</summary>
        public static PreparedState Start(StoragePaths paths, string runFolder, RunStatus status, SyncState? loadedState, DateTimeOffset now) =>
            new(Task.Run(() => Prepare(paths, runFolder, status, loadedState, now)));

        /// <summary>The sealed state, once written; null when it could not be (Record then writes it as before).</summary>
        internal SyncStateWriter? TakeSealed()
        {
            taken = true;
            return Written();
        }

        /// <summary>Waits for the write and deletes what was not taken.</summary>
        public void Dispose()
        {
            if (!taken)
            {
                taken = true;
                Written()?.Dispose();
            }
        }

        /// <summary>The write's result; null when it failed (the writer deletes its file when it fails).</summary>
        private SyncStateWriter? Written()
        {
            try
            {
                return writing.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SyncStateDamagedException or InvalidOperationException)
            {
                return null;
            }
        }

        private static SyncStateWriter? Prepare(StoragePaths paths, string runFolder, RunStatus status, SyncState? loadedState, DateTimeOffset now)
        {
            string batches = Path.Combine(runFolder, ExportStaging.BatchFolderName);
            List<Confirmed> entries = BodyEntries(status, batches, _ => true, out int bodies, out int missing);
            if (missing > 0 || bodies == 0)
            {
                return null;
            }

            string path = SyncStateLocation.PathOf(paths, status.Manifest.ExportName);
            return WriteSealed(path, LoadOld(path, loadedState), status.Manifest.ListIds, Distinct(entries), RemovalResults.None, now);
        }
    }

    internal readonly struct Confirmed
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

    /// <summary>
    /// What a -RemoveMissing run learnt and removed: contact ids from GET /contacts (ids.learnt), and the lists its
    /// completed removal requests took contacts off (remove-NNNNN.ids), or that a whole read of the list showed them
    /// already off (gone.keys). A removal not confirmed leaves the contact's list bit, so the next run tries again.
    /// </summary>
    private sealed class RemovalResults
    {
        public static readonly RemovalResults None = new(IdBook.Of(new List<ulong>()), Array.Empty<ulong>(), Array.Empty<ulong>());

        private readonly IdBook learnt;
        private readonly ulong[] clearedKeys;
        private readonly ulong[] clearedLists;

        private RemovalResults(IdBook learnt, ulong[] clearedKeys, ulong[] clearedLists)
        {
            this.learnt = learnt;
            this.clearedKeys = clearedKeys;
            this.clearedLists = clearedLists;
        }

        public bool IsEmpty => learnt.Count == 0 && clearedKeys.Length == 0;

        public static RemovalResults Read(RunStatus status, string batches)
        {
            IdBook learnt = IdBook.Read(Path.Combine(batches, RemovalFiles.LearntFileName));
            var cleared = new List<PresentEntry>();
            if (status.RemovalsPlanned)
            {
                for (int request = 1; request <= status.RemovalContacts.Count; request++)
                {
                    if (status.IsRemovalConfirmed(request) && RemovalFiles.TryReadRequest(Path.Combine(batches, RemovalFiles.RequestFileName(request))) is { } read)
                    {
                        cleared.AddRange(read.Contacts.Select(c => new PresentEntry(c.Key, 1UL << read.RunListIndex)));
                    }
                }

                cleared.AddRange(RemovalFiles.ReadGone(Path.Combine(batches, RemovalFiles.GoneFileName)));
            }

            // Sorted arrays (a key twice: its lists joined), walked beside the records.
            (ulong[] keys, ulong[] lists) = PresentEntry.SortAndJoin(cleared);
            return new RemovalResults(learnt, keys, lists);
        }

        /// <summary>The records with the learnt ids set and the removed lists cleared; a record left on no list is dropped.</summary>
        public IEnumerable<SyncRecord> Apply(IEnumerable<SyncRecord> records, int[] runToTable)
        {
            // The records come in ascending key order, as the learnt ids and the cleared keys are sorted: one walk
            // through each instead of a search a record.
            int nextLearnt = 0;
            int nextCleared = 0;
            foreach (SyncRecord record in records)
            {
                SyncRecord result = record;
                while (nextLearnt < learnt.Count && learnt.KeyAt(nextLearnt) < record.Key)
                {
                    nextLearnt++;
                }

                if (nextLearnt < learnt.Count && learnt.KeyAt(nextLearnt) == record.Key && learnt.IdAt(nextLearnt) != Guid.Empty)
                {
                    result = result.WithContactId(learnt.IdAt(nextLearnt));
                }

                while (nextCleared < clearedKeys.Length && clearedKeys[nextCleared] < record.Key)
                {
                    nextCleared++;
                }

                if (nextCleared < clearedKeys.Length && clearedKeys[nextCleared] == record.Key)
                {
                    ulong tableBits = Remap(clearedLists[nextCleared], runToTable);
                    result = result.WithLists(result.Lists & ~tableBits);
                    if (result.Lists == 0)
                    {
                        continue;
                    }
                }

                yield return result;
            }
        }
    }
}
