using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Runtime.InteropServices;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// A -RemoveMissing export's side record beside its sync state (<c>sync.kept</c>): the contacts found on its lists that
/// joined them another way (outsiders: never removed from that list by the export, whatever the state records), and,
/// per list, when the export last looked (the server's time of its last read of the list, the watermark). Sparse:
/// most contacts are not outsiders, so the state stays at 36 bytes a contact and this file holds only the few.
/// <para>
/// A watermark counts only beside the state it was committed with: the recorder writes this file first, then the
/// state, and this file names the state's saved-at time. A crash between the two leaves a state this file does not
/// name, and the list's previous watermark counts: the next read overlaps the lost run's, which is safe (it only reads
/// more). Recent entries are contacts the export's imports put on a list after its watermark that the state does not
/// record (an import not confirmed): the next read of the list must not take them for outsiders.
/// </para>
/// <code>
/// header   32 bytes  magic "CCEKEPT\x1A" (8), version u16 (1), reserved u16, list count u32 (0-64), entry count u64,
///                    paired state's saved at i64 (Unix milliseconds)
/// lists    32 bytes a list: its id (16 GUID bytes), watermark i64, previous watermark i64 (ms; i64 minimum: never read)
/// entries  24 bytes each, key order: key u64, outsider list bits u64, recent list bits u64
/// trailer  8 bytes   XxHash64 of every byte before it
/// </code>
/// </summary>
public sealed class SyncKept
{
    public const string FileName = "sync.kept";

    private const int HeaderSize = 32;
    private const int ListSize = 32;
    private const int EntrySize = 24;
    private const ushort Version = 1;
    private static readonly byte[] Magic = { 0x43, 0x43, 0x45, 0x4B, 0x45, 0x50, 0x54, 0x1A };

    private readonly List<Guid> lists;
    private readonly List<long> watermarks;
    private readonly List<long> previous;
    private readonly ulong[] keys;
    private readonly ulong[] outsiders;
    private readonly ulong[] recent;

    private SyncKept(List<Guid> lists, List<long> watermarks, List<long> previous, long pairedWith, ulong[] keys, ulong[] outsiders, ulong[] recent)
    {
        this.lists = lists;
        this.watermarks = watermarks;
        this.previous = previous;
        PairedWith = pairedWith;
        this.keys = keys;
        this.outsiders = outsiders;
        this.recent = recent;
    }

    /// <summary>Nothing kept and no list read yet.</summary>
    public static SyncKept Empty { get; } = new(new List<Guid>(), new List<long>(), new List<long>(), long.MinValue, Array.Empty<ulong>(), Array.Empty<ulong>(), Array.Empty<ulong>());

    /// <summary>The saved-at time (Unix ms) of the sync state this record was committed with.</summary>
    public long PairedWith { get; }

    public IReadOnlyList<Guid> Lists => lists;

    /// <summary>How many contacts are outsiders of at least one list.</summary>
    public int OutsiderCount => outsiders.Count(bits => bits != 0);

    /// <summary>The file's path for an export.</summary>
    public static string PathOf(StoragePaths paths, string exportName) => Path.Combine(SyncStateLocation.FolderOf(paths, exportName), FileName);

    /// <summary>The state's saved-at as this record names it (no state: the minimum).</summary>
    public static long PairOf(SyncState? state) => state is null ? long.MinValue : state.SavedAt.ToUnixTimeMilliseconds();

    /// <summary>
    /// When the export last looked at a list (server time), beside <paramref name="state"/>: the list's watermark if
    /// this record was committed with that state, else its previous one; null when the list was never read.
    /// </summary>
    public DateTimeOffset? WatermarkOf(Guid list, SyncState? state)
    {
        int at = lists.IndexOf(list);
        if (at < 0)
        {
            return null;
        }

        long ms = PairedWith == PairOf(state) ? watermarks[at] : previous[at];
        return ms == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>True when the contact joined <paramref name="list"/> another way: the export never removes it from there.</summary>
    public bool IsOutsider(ulong key, Guid list) => Has(outsiders, key, list);

    /// <summary>True when the export's import put the contact on <paramref name="list"/> after the list's watermark, unrecorded.</summary>
    public bool IsRecent(ulong key, Guid list) => Has(recent, key, list);

    private bool Has(ulong[] bits, ulong key, Guid list)
    {
        int index = lists.IndexOf(list);
        int at = index is >= 0 and < 64 ? Array.BinarySearch(keys, key) : -1;
        return at >= 0 && (bits[at] & (1UL << index)) != 0;
    }

    /// <summary>
    /// The record after a run: these outsiders added; per list read, the new watermark (the old effective one becomes
    /// the previous) and its recent entries replaced; the other lists keep their effective watermark and recent entries.
    /// </summary>
    /// <param name="oldState">The state this record was loaded beside (its effective watermarks).</param>
    /// <param name="pairWith">The saved-at (Unix ms) of the state about to be written, or of the one kept.</param>
    /// <param name="read">Per list read by the run: its new watermark (server time).</param>
    /// <param name="found">Outsiders found, as (key, list).</param>
    /// <param name="recentOf">Per list read: the contacts the run's imports put on it that its state will not record.</param>
    public SyncKept With(SyncState? oldState, long pairWith, IReadOnlyDictionary<Guid, DateTimeOffset> read, IEnumerable<(ulong Key, Guid List)> found, IReadOnlyDictionary<Guid, IReadOnlyCollection<ulong>> recentOf)
    {
        var newLists = new List<Guid>(lists);
        var newMarks = new List<long>();
        var newPrevious = new List<long>();
        foreach (Guid list in newLists)
        {
            long effective = WatermarkOf(list, oldState)?.ToUnixTimeMilliseconds() ?? long.MinValue;
            newPrevious.Add(effective);
            newMarks.Add(read.TryGetValue(list, out DateTimeOffset mark) ? mark.ToUnixTimeMilliseconds() : effective);
        }

        foreach (KeyValuePair<Guid, DateTimeOffset> mark in read.Where(r => !newLists.Contains(r.Key)))
        {
            newLists.Add(mark.Key);
            newPrevious.Add(long.MinValue);
            newMarks.Add(mark.Value.ToUnixTimeMilliseconds());
        }

        // A list named only by an outsider (merged in before the list's read is recorded): in the table, never read.
        List<(ulong Key, Guid List)> foundList = found.ToList();
        foreach (Guid list in foundList.Select(f => f.List).Distinct().Where(l => !newLists.Contains(l)).ToList())
        {
            newLists.Add(list);
            newPrevious.Add(long.MinValue);
            newMarks.Add(long.MinValue);
        }

        if (newLists.Count > 64)
        {
            throw new InvalidOperationException("An export's kept record holds at most 64 lists.");
        }

        // Old entries with their bits; recent bits of the lists read are dropped (the read covered them).
        ulong readBits = 0;
        foreach (Guid list in read.Keys)
        {
            readBits |= 1UL << newLists.IndexOf(list);
        }

        var merged = new SortedDictionary<ulong, (ulong Outsider, ulong Recent)>();
        for (int i = 0; i < keys.Length; i++)
        {
            merged[keys[i]] = (outsiders[i], recent[i] & ~readBits);
        }

        foreach ((ulong key, Guid list) in foundList)
        {
            ulong bit = 1UL << newLists.IndexOf(list);
            merged[key] = merged.TryGetValue(key, out var bits) ? (bits.Outsider | bit, bits.Recent) : (bit, 0UL);
        }

        foreach (KeyValuePair<Guid, IReadOnlyCollection<ulong>> list in recentOf)
        {
            int index = newLists.IndexOf(list.Key);
            if (index < 0)
            {
                continue;
            }

            foreach (ulong key in list.Value)
            {
                merged[key] = merged.TryGetValue(key, out var bits) ? (bits.Outsider, bits.Recent | (1UL << index)) : (0UL, 1UL << index);
            }
        }

        var kept = merged.Where(e => e.Value.Outsider != 0 || e.Value.Recent != 0).ToList();
        return new SyncKept(newLists, newMarks, newPrevious, pairWith, kept.Select(e => e.Key).ToArray(), kept.Select(e => e.Value.Outsider).ToArray(), kept.Select(e => e.Value.Recent).ToArray());
    }

    /// <summary>Reads the record; <see cref="Empty"/> when there is none.</summary>
    /// <exception cref="SyncStateDamagedException">The file is there but cut short, changed or not a kept record.</exception>
    public static SyncKept Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Empty;
        }

        if (bytes.Length < HeaderSize + 8 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new SyncStateDamagedException(path, SyncStateDamage.NotSyncState, "it is not a kept record.");
        }

        uint listCount = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16));
        if (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) != Version || listCount > 64 || count > int.MaxValue
            || bytes.Length != HeaderSize + ((long)listCount * ListSize) + ((long)count * EntrySize) + 8)
        {
            throw new SyncStateDamagedException(path, SyncStateDamage.BadHeader, $"its header does not match its {bytes.Length} bytes.");
        }

        if (XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)))
        {
            throw new SyncStateDamagedException(path, SyncStateDamage.ChecksumMismatch, "its checksum does not match its content.");
        }

        var lists = new List<Guid>();
        var marks = new List<long>();
        var previous = new List<long>();
        int at = HeaderSize;
        for (int i = 0; i < listCount; i++, at += ListSize)
        {
            lists.Add(MemoryMarshal.Read<Guid>(bytes.AsSpan(at, 16)));
            marks.Add(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 16)));
            previous.Add(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 24)));
        }

        var keys = new ulong[count];
        var outsiders = new ulong[count];
        var recent = new ulong[count];
        for (int i = 0; i < keys.Length; i++, at += EntrySize)
        {
            keys[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            outsiders[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 8));
            recent[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 16));
            if (i > 0 && keys[i] <= keys[i - 1])
            {
                throw new SyncStateDamagedException(path, SyncStateDamage.BadRecord, $"entry {i} is out of key order.");
            }
        }

        return new SyncKept(lists, marks, previous, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24)), keys, outsiders, recent);
    }

    /// <summary>Writes the record atomically (a temporary owner-only file renamed over the old one).</summary>
    public void Save(string path)
    {
        byte[] bytes = new byte[HeaderSize + (lists.Count * ListSize) + (keys.Length * EntrySize) + 8];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)lists.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), (ulong)keys.Length);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), PairedWith);
        int at = HeaderSize;
        for (int i = 0; i < lists.Count; i++, at += ListSize)
        {
            Guid id = lists[i];
            MemoryMarshal.Write(bytes.AsSpan(at, 16), ref id);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 16), watermarks[i]);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 24), previous[i]);
        }

        for (int i = 0; i < keys.Length; i++, at += EntrySize)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), keys[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 8), outsiders[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 16), recent[i]);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), XxHash64.HashToUInt64(bytes.AsSpan(0, at)));
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
