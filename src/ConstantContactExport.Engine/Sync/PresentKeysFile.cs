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

    /// <summary>The entries' distinct keys in ascending order and, beside each, the lists of all its entries joined. Sorts the list.</summary>
    public static (ulong[] Keys, ulong[] Lists) SortAndJoin(List<PresentEntry> entries)
    {
        entries.Sort((a, b) => a.Key.CompareTo(b.Key));
        var keys = new ulong[entries.Count];
        var lists = new ulong[entries.Count];
        int count = 0;
        foreach (PresentEntry entry in entries)
        {
            if (count > 0 && keys[count - 1] == entry.Key)
            {
                lists[count - 1] |= entry.Lists;
            }
            else
            {
                keys[count] = entry.Key;
                lists[count++] = entry.Lists;
            }
        }

        // Arrays of the entries' count: no copy when the keys are distinct (a run's bodies), one when some repeat.
        Array.Resize(ref keys, count);
        Array.Resize(ref lists, count);
        return (keys, lists);
    }
}

/// <summary>
/// <c>present.keys</c>, written when a -RemoveMissing run ends staging: the key of every profile in the segment
/// (sent, unchanged, a duplicate, or rejected: a rejected one by <see cref="Profiles.EmailMatchForm"/>), with its
/// lists, 16 bytes each (key u64, lists u64, little-endian), strictly ascending by key. What tells a leaver (in the
/// state, not here) without holding any address. Goes with the run's bodies when the run ends.
/// </summary>
public static class PresentKeysFile
{
    public const string FileName = "present.keys";

    /// <summary>Beside it when rows of the input could not be read whole: their count (text). Removals then wait for -Force.</summary>
    public const string MalformedFileName = "present.malformed";

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
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        using (file)
        {
            if (file.Length % EntrySize != 0)
            {
                return null;
            }

            // Read through a 64 KB buffer into the entries: no second copy of the file in memory.
            var entries = new PresentEntry[file.Length / EntrySize];
            byte[] buffer = new byte[4096 * EntrySize];
            int next = 0;
            while (next < entries.Length)
            {
                int want = Math.Min(buffer.Length, (entries.Length - next) * EntrySize);
                int got = 0;
                while (got < want)
                {
                    int read = file.Read(buffer, got, want - got);
                    if (read == 0)
                    {
                        return null;
                    }

                    got += read;
                }

                for (int offset = 0; offset < got; offset += EntrySize, next++)
                {
                    entries[next] = new PresentEntry(
                        BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(offset)),
                        BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(offset + 8)));
                    if (next > 0 && entries[next].Key <= entries[next - 1].Key)
                    {
                        return null;
                    }
                }
            }

            return entries;
        }
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
