using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// Writes a new sync state, streaming: records are added in ascending key order (the order a merge of the old state
/// with a run's results produces) and go to a temporary owner-only file in the state's folder;
/// <see cref="Commit"/> writes the checksum, flushes to disk and renames the file over the old state
/// (<see cref="AtomicFile.Begin"/>). Disposed without a commit, or after any failure, the temporary file is deleted
/// and the old state is left as it was: a crash leaves the old state or the new one, never a mix.
/// </summary>
public sealed class SyncStateWriter : IDisposable
{
    private const int BufferRecords = 4096;

    private readonly AtomicFile.PendingFile pending;
    private readonly XxHash64 hash = new();
    private readonly int recordSize;
    private readonly ulong allowedLists;
    private readonly long expected;
    private readonly byte[] buffer;
    private int buffered;
    private long written;
    private ulong lastKey;
    private bool failed;
    private bool isSealed;

    internal SyncStateWriter(string path, IReadOnlyList<Guid> lists, long count, DateTimeOffset savedAt)
    {
        SyncStateFile.CheckLists(lists);
        if (count < 0 || count > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A sync state holds 0 to 2,147,483,647 records.");
        }

        recordSize = SyncStateFile.RecordSize(lists.Count);
        allowedLists = SyncStateFile.AllListsMask(lists.Count);
        expected = count;
        buffer = new byte[BufferRecords * SyncStateFile.WideRecordSize];

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            PrivateFiles.CreateFolder(folder);
        }

        pending = AtomicFile.Begin(path, bufferSize: 1);
        try
        {
            byte[] header = new byte[SyncStateFile.HeaderSize + (lists.Count * SyncStateFile.ListEntrySize)];
            SyncStateFile.Magic.CopyTo(header, 0);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), SyncStateFile.CurrentVersion);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), (ushort)recordSize);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)lists.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), (ulong)count);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), savedAt.ToUnixTimeMilliseconds());
            for (int i = 0; i < lists.Count; i++)
            {
                Guid id = lists[i];
                MemoryMarshal.Write(header.AsSpan(SyncStateFile.HeaderSize + (i * SyncStateFile.ListEntrySize), SyncStateFile.ListEntrySize), ref id);
            }

            Emit(header, header.Length);
        }
        catch
        {
            pending.Dispose();
            throw;
        }
    }

    /// <summary>Records added so far.</summary>
    public long Count => written;

    /// <summary>Adds the next record; keys must rise strictly, and lists must be in the table.</summary>
    public void Add(in SyncRecord record)
    {
        if (failed || isSealed)
        {
            throw new InvalidOperationException(failed ? "This sync state write has already failed; dispose it." : "This sync state is sealed; nothing can be added.");
        }

        string? problem = written >= expected ? $"more records than the {expected:N0} announced."
            : written > 0 && record.Key <= lastKey ? $"record {written:N0} ({record.Key:x16}) is not above the key before it; records go in strictly ascending key order."
            : (record.Lists & ~allowedLists) != 0 ? $"record {written:N0} names a list past the table."
            : null;
        if (problem is not null)
        {
            failed = true;
            throw new InvalidOperationException("The sync state was not written: " + problem);
        }

        SyncStateFile.WriteRecord(buffer.AsSpan(buffered, recordSize), record, recordSize);
        buffered += recordSize;
        lastKey = record.Key;
        written++;
        if (buffered + recordSize > buffer.Length)
        {
            Flush();
        }
    }

    /// <summary>
    /// Finishes the file (its checksum) and flushes it to disk without putting it in place yet: <see cref="Commit"/>
    /// then only renames. Nothing may be added after it.
    /// </summary>
    public void Seal()
    {
        if (isSealed)
        {
            return;
        }

        if (failed || written != expected)
        {
            failed = true;
            throw new InvalidOperationException($"The sync state was not written: {written:N0} records were added, {expected:N0} announced.");
        }

        Flush();
        byte[] trailer = new byte[SyncStateFile.TrailerSize];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, hash.GetCurrentHashAsUInt64());
        pending.Stream.Write(trailer, 0, trailer.Length);
        pending.FlushToDisk();
        isSealed = true;
    }

    /// <summary>Finishes the file (<see cref="Seal"/>) and puts it in place of the old state, atomically.</summary>
    public void Commit()
    {
        Seal();
        pending.Commit();
    }

    public void Dispose() => pending.Dispose();

    private void Flush()
    {
        if (buffered > 0)
        {
            Emit(buffer, buffered);
            buffered = 0;
        }
    }

    private void Emit(byte[] bytes, int count)
    {
        hash.Append(new ReadOnlySpan<byte>(bytes, 0, count));
        pending.Stream.Write(bytes, 0, count);
    }
}
