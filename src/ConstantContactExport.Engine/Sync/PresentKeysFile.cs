using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Sync;

/// <summary>A key of a profile in the run's segment and the run's lists it belongs on (bit i = list i of the run's list ids).</summary>
public readonly struct PresentEntry
{
    public PresentEntry(ulong key, ulong lists)
    {
        Key = key;
        Lists = lists;
    }

    public ulong Key { get; }

    public ulong Lists { get; }
}

/// <summary>
/// <c>present.keys</c>, written when a -RemoveMissing run ends staging: the key of every profile in the segment
/// (sent, unchanged, a duplicate, or rejected for another reason than its address), with its lists, 16 bytes each
/// (key u64, lists u64, little-endian), strictly ascending by key. What tells a leaver (in the state, not here) without
/// holding any address. Goes with the run's bodies when the run ends.
/// </summary>
public static class PresentKeysFile
{
    public const string FileName = "present.keys";

    public const int EntrySize = 16;

    /// <summary>Sorts <paramref name="entries"/> and writes them, a key that repeats once with its lists joined (through a 64 KB buffer).</summary>
    public static void Write(string path, List<PresentEntry> entries)
    {
        entries.Sort((a, b) => a.Key.CompareTo(b.Key));
        byte[] buffer = new byte[4096 * EntrySize];
        int used = 0;
        using FileStream file = PrivateFiles.Create(path);
        for (int i = 0; i < entries.Count; i++)
        {
            ulong lists = entries[i].Lists;
            while (i + 1 < entries.Count && entries[i + 1].Key == entries[i].Key)
            {
                lists |= entries[++i].Lists;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(used), entries[i].Key);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(used + 8), lists);
            used += EntrySize;
            if (used == buffer.Length)
            {
                file.Write(buffer, 0, used);
                used = 0;
            }
        }

        file.Write(buffer, 0, used);
        file.Flush(flushToDisk: true);
    }

    /// <summary>The entries, in key order; null when the file is missing or not whole entries (the run then removes nothing).</summary>
    public static PresentEntry[]? TryRead(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        if (bytes.Length % EntrySize != 0)
        {
            return null;
        }

        var entries = new PresentEntry[bytes.Length / EntrySize];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = new PresentEntry(
                BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * EntrySize)),
                BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((i * EntrySize) + 8)));
            if (i > 0 && entries[i].Key <= entries[i - 1].Key)
            {
                return null;
            }
        }

        return entries;
    }

    /// <summary>The run lists of <paramref name="key"/> in <paramref name="entries"/> (binary search), 0 when it is not there.</summary>
    public static ulong ListsOf(PresentEntry[] entries, ulong key)
    {
        int low = 0;
        int high = entries.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            ulong found = entries[middle].Key;
            if (found == key)
            {
                return entries[middle].Lists;
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

        return 0;
    }
}
