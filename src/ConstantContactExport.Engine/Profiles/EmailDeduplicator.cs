using System;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Remembers the emails seen in a run, compared after trimming and without regard to case, in 16 bytes each:
/// a 128-bit XxHash of the lower-cased address in an open-addressing table. At 1,000,000 addresses the table
/// is 21 MB when sized for them, against some 100 MiB for a HashSet of strings; the chance that two different
/// addresses share a 128-bit hash in a run of a million is about 1.5e-27, which is no chance at all.
/// </summary>
/// <remarks>
/// One array holds both halves of each hash side by side (one cache miss a probe); the all-zero hash marks a free
/// slot, so the one address whose hash is all zeros is remembered apart. The table is any size, not only a power of
/// two (a multiply maps a hash onto it), so that a table sized up front with <see cref="EnsureCapacity"/> holds
/// exactly what it was asked for at three quarters full. Grown, it doubles; the tables it outgrows are garbage for
/// the collector, which is why a caller that can tell how many addresses are coming should say so early.
/// </remarks>
public sealed class EmailDeduplicator
{
    private const int MaxEmailChars = 512;

    // Two ulongs a slot; .NET arrays hold at most 0x7FFFFFC7 elements.
    private const int MaxSlots = 0x3FFF_FFE0;

    private ulong[] slots;
    private int size;
    private int count;
    private bool zeroHashSeen;

    public EmailDeduplicator(int initialCapacity = 1024)
    {
        size = SlotsFor(Math.Max(8, initialCapacity));
        slots = new ulong[size * 2];
    }

    public int Count => count + (zeroHashSeen ? 1 : 0);

    /// <summary>Bytes held by the table, for the memory figures.</summary>
    public long AllocatedBytes => (long)size * sizeof(ulong) * 2;

    /// <summary>
    /// Makes room for <paramref name="expected"/> addresses in all (those held included) in one step, so the table
    /// does not grow through the sizes in between. Does nothing when the table is big enough already.
    /// </summary>
    public void EnsureCapacity(long expected)
    {
        if (expected <= 0)
        {
            return;
        }

        int wanted = SlotsFor(expected);
        if (wanted > size)
        {
            Resize(wanted);
        }
    }

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
        if (h1 == 0 && h2 == 0)
        {
            if (zeroHashSeen)
            {
                return false;
            }

            zeroHashSeen = true;
            return true;
        }

        if ((long)(count + 1) * 4 > (long)size * 3)
        {
            Grow();
        }

        return Insert(h1, h2);
    }

    /// <summary>The fewest slots that hold <paramref name="addresses"/> (and look up one more) at three quarters full.</summary>
    private static int SlotsFor(long addresses) => (int)Math.Min(MaxSlots, Math.Max(16, (((addresses + 1) * 4) + 2) / 3));

    private bool Insert(ulong h1, ulong h2)
    {
        ulong[] table = slots;
        int slot = (int)(((h1 >> 32) * (ulong)size) >> 32);
        while (true)
        {
            int at = slot * 2;
            ulong low = table[at];
            ulong high = table[at + 1];
            if (low == 0 && high == 0)
            {
                table[at] = h1;
                table[at + 1] = h2;
                count++;
                return true;
            }

            if (low == h1 && high == h2)
            {
                return false;
            }

            if (++slot == size)
            {
                slot = 0;
            }
        }
    }

    private void Grow()
    {
        if (size < MaxSlots)
        {
            Resize((int)Math.Min(MaxSlots, (long)size * 2));
        }
        else if (count + 1 >= size)
        {
            // Probing needs a free slot to end; some 1,000 million addresses come first.
            throw new InvalidOperationException("The duplicate check cannot hold more addresses.");
        }
    }

    private void Resize(int newSize)
    {
        ulong[] old = slots;
        slots = new ulong[(long)newSize * 2];
        size = newSize;
        count = 0;
        for (int i = 0; i < old.Length; i += 2)
        {
            if (old[i] != 0 || old[i + 1] != 0)
            {
                Insert(old[i], old[i + 1]);
            }
        }
    }
}
