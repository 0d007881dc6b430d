using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Hashing;
using System.Text;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// The sync side of staging. For each profile about to go into a body it takes the key (<see cref="SyncKey"/>) and
/// the fingerprint of exactly the contact object the body carries, and says whether the export's state already has
/// it with that fingerprint on every list the profile goes to (then it is not sent). For each body it writes the keys
/// and fingerprints of its contacts to <c>sync-NNNNN.keys</c> beside the body, before the body is
/// handed to the sender: when the run ends, the contacts of the bodies Constant Contact confirmed go into the state
/// from these files (<see cref="SyncKeysFile"/>), so nothing of it is held in memory across a resume. With per-segment
/// lists several bodies are open at once, one per list set; the contacts noted for each are kept apart.
/// </summary>
public sealed class SyncStaging
{
    private readonly SyncState? compareWith;
    private readonly int[] stateIndex;
    private readonly string folder;
    private readonly SyncFingerprint fingerprint = new();
    private readonly Dictionary<ulong, List<SyncKeyEntry>> pending = new();
    private readonly List<PresentEntry>? present;
    private long malformedRows;
    private SyncKeyEntry current;
    private ulong lastRunLists;
    private ulong lastStateLists;
    private bool lastAnyMissing = true;

    /// <param name="compareWith">The export's state, or null to send every profile (-Full, or no state yet).</param>
    /// <param name="listIds">The run's lists (bit i of a profile's lists is list i).</param>
    /// <param name="folder">Where the bodies go (the key files go beside them).</param>
    /// <param name="notePresent">-RemoveMissing: note every in-segment profile's key (<see cref="PresentKeysFile"/>), so that the leavers can be told.</param>
    public SyncStaging(SyncState? compareWith, IReadOnlyList<string> listIds, string folder, bool notePresent = false)
    {
        this.compareWith = compareWith;
        this.folder = folder;
        present = notePresent ? new List<PresentEntry>() : null;
        stateIndex = new int[listIds.Count];
        for (int i = 0; i < listIds.Count; i++)
        {
            stateIndex[i] = compareWith?.ListIndex(SyncListIds.Of(listIds[i])) ?? -1;
        }

        AllLists = Staging.RunLists.All(listIds.Count);
    }

    /// <summary>Every list of the run.</summary>
    public ulong AllLists { get; }

    /// <summary>
    /// Takes the key and fingerprint of <paramref name="contact"/> (the next profile that would be sent) and says
    /// whether the state has it unchanged: same key, same fingerprint, and already put on every one of
    /// <paramref name="lists"/> (bits over the run's lists: the lists this profile goes to). A profile the state has
    /// on other lists only (it moved to another segment) is not unchanged.
    /// </summary>
    public bool IsUnchanged(ImportContact contact, ulong lists)
    {
        fingerprint.Reset();
        fingerprint.Add("email", contact.Email);
        IReadOnlyList<KeyValuePair<Mapping.ContactField, string>> fields = contact.Fields;
        for (int i = 0; i < fields.Count; i++)
        {
            fingerprint.Add(fields[i].Key.Name, fields[i].Value);
        }

        current = new SyncKeyEntry(SyncKey.For(contact.Email), fingerprint.Value);
        if (compareWith is null || !StateLists(lists, out ulong wanted))
        {
            return false;
        }

        return compareWith.TryFind(current.Key, out SyncRecord record)
            && record.Fingerprint == current.Fingerprint
            && (wanted & ~record.Lists) == 0;
    }

    /// <summary>The contact last passed to <see cref="IsUnchanged"/> went into the open body of <paramref name="lists"/>.</summary>
    public void Sent(ulong lists)
    {
        if (!pending.TryGetValue(lists, out List<SyncKeyEntry>? entries))
        {
            pending.Add(lists, entries = new List<SyncKeyEntry>());
        }

        entries.Add(current);
    }

    /// <summary>-RemoveMissing: a row of the input could not be read whole (a quote left open may have swallowed the rows after it).</summary>
    public void NoteMalformedRow()
    {
        if (present is not null)
        {
            malformedRows++;
        }
    }

    /// <summary>True when the run notes the profiles in its segment (-RemoveMissing).</summary>
    public bool NotesPresent => present is not null;

    /// <summary>
    /// A profile that is in the segment (whatever became of it: sent, unchanged, a duplicate, or rejected for another
    /// reason) has this address: it is not a leaver of <paramref name="lists"/> (bits over the run's lists, the
    /// pipeline's <c>RunListsOf</c>). 16 bytes a profile.
    /// </summary>
    public void NotePresent(string address, ulong lists)
    {
        present?.Add(new PresentEntry(SyncKey.For(address), lists));
    }

    /// <summary>Staging ended: writes the profiles in the segment (sorted, one entry a key) to <see cref="PresentKeysFile.FileName"/>.</summary>
    public void Complete()
    {
        if (present is null)
        {
            return;
        }

        PrivateFiles.CreateFolder(folder);
        PresentKeysFile.Write(Path.Combine(folder, PresentKeysFile.FileName), present);
        present.Clear();
        if (malformedRows > 0)
        {
            AtomicFile.WriteAllText(Path.Combine(folder, PresentKeysFile.MalformedFileName), malformedRows.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A body is whole: writes its contacts' keys (sorted) before the body goes anywhere.</summary>
    public void BatchCompleted(ImportBatch batch)
    {
        ulong lists = batch.Lists == 0 ? AllLists : batch.Lists;
        if (!pending.TryGetValue(lists, out List<SyncKeyEntry>? entries) || entries.Count != batch.ContactCount)
        {
            throw new InvalidOperationException($"Body {batch.Number} holds {batch.ContactCount} contacts but {entries?.Count ?? 0} were noted for the sync state.");
        }

        SyncKeysFile.Write(Path.Combine(folder, SyncKeysFile.FileName(batch.Number)), entries);

        // The next body of these lists starts empty; the list's capacity is kept for it.
        entries.Clear();
    }

    /// <summary>The run's <paramref name="lists"/> as bits of the state's table; false when one is not in it (the profile goes out).</summary>
    private bool StateLists(ulong lists, out ulong wanted)
    {
        // Almost every profile of a run has the lists of the one before: one remembered answer.
        if (lists != lastRunLists)
        {
            lastRunLists = lists;
            lastStateLists = 0;
            lastAnyMissing = false;
            for (int i = 0; i < stateIndex.Length; i++)
            {
                if ((lists & (1UL << i)) == 0)
                {
                    continue;
                }

                if (stateIndex[i] < 0)
                {
                    lastAnyMissing = true;
                }
                else
                {
                    lastStateLists |= 1UL << stateIndex[i];
                }
            }
        }

        wanted = lastStateLists;
        return !lastAnyMissing;
    }
}

/// <summary>One contact of a body, for the sync state: its key and the fingerprint of what was sent.</summary>
public readonly struct SyncKeyEntry
{
    public SyncKeyEntry(ulong key, ulong fingerprint)
    {
        Key = key;
        Fingerprint = fingerprint;
    }

    public ulong Key { get; }

    public ulong Fingerprint { get; }
}

/// <summary>
/// <c>sync-NNNNN.keys</c>: a body's contacts as 16 bytes each (key u64, fingerprint u64, little-endian), in the
/// body's order (the run's confirmed keys are sorted once, when they are recorded). Keys are hashes, not addresses; the file goes with the run's bodies when the run ends.
/// </summary>
public static class SyncKeysFile
{
    public const int EntrySize = 16;

    public static string FileName(int batch) => "sync-" + batch.ToString("D5", CultureInfo.InvariantCulture) + ".keys";

    public static void Write(string path, IReadOnlyList<SyncKeyEntry> entries)
    {
        byte[] bytes = new byte[entries.Count * EntrySize];
        for (int i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * EntrySize), entries[i].Key);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((i * EntrySize) + 8), entries[i].Fingerprint);
        }

        using FileStream file = PrivateFiles.Create(path);
        file.Write(bytes, 0, bytes.Length);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Appends a body's entries to <paramref name="into"/>; false (nothing added) when the file is missing or does not
    /// hold <paramref name="contacts"/> entries (-1: any whole number), so that its contacts are simply not recorded.
    /// </summary>
    public static bool TryRead(string path, int contacts, List<SyncKeyEntry> into)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        if (bytes.Length % EntrySize != 0 || (contacts >= 0 && bytes.Length != (long)contacts * EntrySize))
        {
            return false;
        }

        for (int offset = 0; offset < bytes.Length; offset += EntrySize)
        {
            into.Add(new SyncKeyEntry(
                BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset)),
                BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset + 8))));
        }

        return true;
    }
}

/// <summary>
/// A list id as the sync state keeps it (16 bytes): Constant Contact's list ids are UUIDs and are taken as they are;
/// any other text (tests, a future id format) becomes a stable 128-bit hash of it.
/// </summary>
public static class SyncListIds
{
    public static Guid Of(string listId) =>
        Guid.TryParse(listId, out Guid id) ? id : new Guid(XxHash128.Hash(Encoding.UTF8.GetBytes(listId)));
}

/// <summary>Where an export's sync state lives: <c>exports/&lt;name&gt;/sync.state</c> under the home, beside its definition.</summary>
public static class SyncStateLocation
{
    public const string FileName = "sync.state";

    /// <summary>The export's own folder (<see cref="SafeName.FileKey"/>, as its lock: export names are case-insensitive).</summary>
    public static string FolderOf(StoragePaths paths, string exportName) =>
        Path.Combine(paths.Exports, SafeName.FileKey(exportName, "export"));

    public static string PathOf(StoragePaths paths, string exportName) => Path.Combine(FolderOf(paths, exportName), FileName);
}
