using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// The sync state on disk. Little-endian, fixed-size records sorted by key, so that a run's sorted keys are
/// compared with it in one merge:
/// <code>
/// header   32 bytes  magic "CCESYNC\x1A" (8), version u16 (1), record size u16 (36 or 40), list count u32 (0-64),
///                    record count u64, saved at i64 (Unix milliseconds, UTC)
/// lists    16 bytes a list: its id (GUID bytes), in table order
/// records  36 or 40 bytes each: key u64, fingerprint u64, contact id (16 GUID bytes, all zero while unknown),
///                    list bits u32 (up to 32 lists) or u64 (33 to 64 lists)
/// trailer  8 bytes   XxHash64 of every byte before it
/// </code>
/// An export with at most 32 lists (nearly all) costs 36 bytes a contact, 36 MB for a million. The length is
/// known from the header, so a file cut short is caught before its records are read; the checksum catches bytes
/// changed in place.
/// </summary>
public static class SyncStateFile
{
    public const int MaxLists = 64;

    internal const int HeaderSize = 32;
    internal const int ListEntrySize = 16;
    internal const int TrailerSize = 8;
    internal const int NarrowRecordSize = 36;
    internal const int WideRecordSize = 40;
    internal const ushort CurrentVersion = 1;

    // "CCESYNC" and the DOS end-of-file byte, so that a file typed to a console stops after the name.
    internal static readonly byte[] Magic = { 0x43, 0x43, 0x45, 0x53, 0x59, 0x4E, 0x43, 0x1A };

    private const int ReadBufferRecords = 4096;

    /// <summary>The record size for a list table of <paramref name="listCount"/> lists.</summary>
    public static int RecordSize(int listCount) => listCount <= 32 ? NarrowRecordSize : WideRecordSize;

    /// <summary>The file size of a state with these many lists and records.</summary>
    public static long FileSize(int listCount, long records) =>
        HeaderSize + ((long)listCount * ListEntrySize) + (records * RecordSize(listCount)) + TrailerSize;

    /// <summary>
    /// Reads the whole state, streaming (a read buffer of 4,096 records besides the records themselves). Null when
    /// there is no file: the export has not delivered anything yet.
    /// </summary>
    /// <exception cref="SyncStateDamagedException">The file is there but cut short, changed or not a state file.</exception>
    public static SyncState? Load(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        using (file)
        {
            return Read(file, path);
        }
    }

    /// <summary>Starts writing a new state over <paramref name="path"/>; see <see cref="SyncStateWriter"/>.</summary>
    public static SyncStateWriter Create(string path, IReadOnlyList<Guid> lists, long count, DateTimeOffset savedAt) =>
        new(path, lists, count, savedAt);

    /// <summary>Writes a whole state (a convenience over <see cref="Create"/>).</summary>
    public static void Save(string path, IReadOnlyList<Guid> lists, IReadOnlyCollection<SyncRecord> records, DateTimeOffset savedAt)
    {
        using SyncStateWriter writer = Create(path, lists, records.Count, savedAt);
        foreach (SyncRecord record in records)
        {
            writer.Add(record);
        }

        writer.Commit();
    }

    internal static void CheckLists(IReadOnlyList<Guid> lists)
    {
        if (lists is null)
        {
            throw new ArgumentNullException(nameof(lists));
        }

        if (lists.Count > MaxLists)
        {
            throw new ArgumentException($"An export's sync state holds at most {MaxLists} lists; this one has {lists.Count}.", nameof(lists));
        }

        var seen = new HashSet<Guid>();
        foreach (Guid list in lists)
        {
            if (list == Guid.Empty || !seen.Add(list))
            {
                throw new ArgumentException("The list table holds an empty or repeated list id.", nameof(lists));
            }
        }
    }

    internal static ulong AllListsMask(int listCount) => listCount == 64 ? ulong.MaxValue : (1UL << listCount) - 1;

    internal static void WriteRecord(Span<byte> target, in SyncRecord record, int recordSize)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(target, record.Key);
        BinaryPrimitives.WriteUInt64LittleEndian(target.Slice(8), record.Fingerprint);
        Guid id = record.ContactId;
        MemoryMarshal.Write(target.Slice(16, 16), ref id);
        if (recordSize == NarrowRecordSize)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(target.Slice(32), (uint)record.Lists);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(target.Slice(32), record.Lists);
        }
    }

    private static SyncRecord ReadRecord(ReadOnlySpan<byte> source, int recordSize)
    {
        ulong key = BinaryPrimitives.ReadUInt64LittleEndian(source);
        ulong fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(8));
        Guid id = MemoryMarshal.Read<Guid>(source.Slice(16, 16));
        ulong lists = recordSize == NarrowRecordSize
            ? BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(32))
            : BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(32));
        return new SyncRecord(key, fingerprint, id, lists);
    }

    private static SyncState Read(FileStream file, string path)
    {
        long length = file.Length;
        var hash = new XxHash64();
        byte[] header = new byte[HeaderSize];
        if (length < HeaderSize + TrailerSize)
        {
            // Too short even for a header: still say "not a state file" when the bytes there do not start like one.
            int got = ReadFully(file, header, 0, (int)Math.Min(length, HeaderSize));
            throw got >= Magic.Length && !StartsWithMagic(header)
                ? Damaged(path, SyncStateDamage.NotSyncState, "it does not start like a sync state file.")
                : Damaged(path, SyncStateDamage.Truncated, $"it is {length} bytes, shorter than a header.");
        }

        ReadFully(file, header, 0, HeaderSize);
        if (!StartsWithMagic(header))
        {
            throw Damaged(path, SyncStateDamage.NotSyncState, "it does not start like a sync state file.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        if (version != CurrentVersion)
        {
            throw Damaged(path, SyncStateDamage.UnsupportedVersion, $"format version {version}; this module reads version {CurrentVersion}.");
        }

        int recordSize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(10));
        uint listCount = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(16));
        long savedAtMs = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24));
        if (listCount > MaxLists || recordSize != RecordSize((int)listCount) || count > int.MaxValue
            || savedAtMs < -62_135_596_800_000L || savedAtMs > 253_402_300_799_999L)
        {
            throw Damaged(path, SyncStateDamage.BadHeader, $"record size {recordSize}, {listCount} lists, {count} records.");
        }

        long expected = FileSize((int)listCount, (long)count);
        if (length != expected)
        {
            throw length < expected
                ? Damaged(path, SyncStateDamage.Truncated, $"its header says {count:N0} records in {expected:N0} bytes, but the file is {length:N0} bytes.")
                : Damaged(path, SyncStateDamage.TrailingData, $"its header says {count:N0} records in {expected:N0} bytes, but the file is {length:N0} bytes.");
        }

        hash.Append(header);
        byte[] table = new byte[listCount * ListEntrySize];
        ReadFully(file, table, 0, table.Length);
        hash.Append(table);
        var lists = new Guid[listCount];
        for (int i = 0; i < lists.Length; i++)
        {
            lists[i] = MemoryMarshal.Read<Guid>(table.AsSpan(i * ListEntrySize, ListEntrySize));
        }

        ulong allowed = AllListsMask((int)listCount);
        var records = new SyncRecord[count];
        byte[] buffer = new byte[ReadBufferRecords * recordSize];
        int done = 0;
        while (done < records.Length)
        {
            int batch = Math.Min(ReadBufferRecords, records.Length - done);
            int bytes = batch * recordSize;
            if (ReadFully(file, buffer, 0, bytes) < bytes)
            {
                throw Damaged(path, SyncStateDamage.Truncated, "the file ended inside its records.");
            }

            hash.Append(new ReadOnlySpan<byte>(buffer, 0, bytes));
            for (int i = 0; i < batch; i++)
            {
                SyncRecord record = ReadRecord(new ReadOnlySpan<byte>(buffer, i * recordSize, recordSize), recordSize);
                int at = done + i;
                if (at > 0 && record.Key <= records[at - 1].Key)
                {
                    throw Damaged(path, SyncStateDamage.BadRecord, $"record {at:N0} is out of key order.");
                }

                if ((record.Lists & ~allowed) != 0)
                {
                    throw Damaged(path, SyncStateDamage.BadRecord, $"record {at:N0} names a list past the table of {listCount}.");
                }

                records[at] = record;
            }

            done += batch;
        }

        byte[] trailer = new byte[TrailerSize];
        if (ReadFully(file, trailer, 0, TrailerSize) < TrailerSize)
        {
            throw Damaged(path, SyncStateDamage.Truncated, "the file ended before its checksum.");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(trailer) != hash.GetCurrentHashAsUInt64())
        {
            throw Damaged(path, SyncStateDamage.ChecksumMismatch, "its checksum does not match its content.");
        }

        return new SyncState(lists, records, records.Length, DateTimeOffset.FromUnixTimeMilliseconds(savedAtMs));
    }

    private static bool StartsWithMagic(byte[] header) => header.AsSpan(0, Magic.Length).SequenceEqual(Magic);

    private static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
    {
        int total = 0;
        while (total < count)
        {
            int read = stream.Read(buffer, offset + total, count - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static SyncStateDamagedException Damaged(string path, SyncStateDamage damage, string detail) => new(path, damage, detail);
}
