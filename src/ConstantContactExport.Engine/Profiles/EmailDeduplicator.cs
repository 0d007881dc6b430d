using System;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Remembers the emails seen in a run, compared after trimming and without regard to case, in 16 bytes each:
/// a 128-bit XxHash of the lower-cased address in an open-addressing table. At 1,000,000 addresses the table
/// is 32 MiB, against some 100 MiB for a HashSet of strings; the chance that two different addresses share a
/// 128-bit hash in a run of a million is about 1.5e-27, which is no chance at all.
/// </summary>
public sealed class EmailDeduplicator
{
    private const int MaxEmailChars = 512;
    private ulong[] low;
    private ulong[] high;
    private bool[] used;
    private int count;

    public EmailDeduplicator(int initialCapacity = 1024)
    {
        int size = 16;
        while (size < initialCapacity * 2)
        {
            size <<= 1;
        }

        low = new ulong[size];
        high = new ulong[size];
        used = new bool[size];
    }

    public int Count => count;

    /// <summary>Bytes held by the table, for the memory figures.</summary>
    public long AllocatedBytes => (long)used.Length * (sizeof(ulong) * 2 + sizeof(bool));

    /// <summary>Adds the address; false when an equal one was added before (a duplicate).</summary>
    public bool Add(string normalizedEmail)
    {
        ReadOnlySpan<char> trimmed = normalizedEmail.AsSpan().Trim();
        Span<char> lower = trimmed.Length <= MaxEmailChars ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        trimmed.ToLowerInvariant(lower);
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(MemoryMarshal.AsBytes(lower), hash);
        ulong h1 = MemoryMarshal.Read<ulong>(hash);
        ulong h2 = MemoryMarshal.Read<ulong>(hash.Slice(8));
        if ((count + 1) * 4 > used.Length * 3)
        {
            Grow();
        }

        return Insert(h1, h2);
    }

    private bool Insert(ulong h1, ulong h2)
    {
        int mask = used.Length - 1;
        int slot = (int)(h1 & (ulong)mask);
        while (used[slot])
        {
            if (low[slot] == h1 && high[slot] == h2)
            {
                return false;
            }

            slot = (slot + 1) & mask;
        }

        used[slot] = true;
        low[slot] = h1;
        high[slot] = h2;
        count++;
        return true;
    }

    private void Grow()
    {
        ulong[] oldLow = low;
        ulong[] oldHigh = high;
        bool[] oldUsed = used;
        low = new ulong[oldUsed.Length * 2];
        high = new ulong[oldUsed.Length * 2];
        used = new bool[oldUsed.Length * 2];
        count = 0;
        for (int i = 0; i < oldUsed.Length; i++)
        {
            if (oldUsed[i])
            {
                Insert(oldLow[i], oldHigh[i]);
            }
        }
    }
}
