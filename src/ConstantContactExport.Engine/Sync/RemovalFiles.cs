using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// The files a -RemoveMissing run keeps beside its bodies (keys and contact ids, no address), deleted with them
/// when the run ends:
/// <list type="bullet">
/// <item><c>ids.learnt</c>: contact ids learnt from GET /contacts, 24 bytes each (key u64, contact id 16 bytes),
/// appended and flushed a page at a time; a torn last entry is ignored.</item>
/// <item><c>remove-NNNNN.ids</c>: one removal request: the run list's index (u32), then its contacts (key u64,
/// contact id 16 bytes). Written before the plan is journaled; what a resume sends again.</item>
/// <item><c>gone.keys</c>: leavers whose whole list was read without finding them (already off it, such as the
/// unsubscribed): key u64 and run lists u64. Their list bits are cleared with no request.</item>
/// </list>
/// </summary>
public static class RemovalFiles
{
    public const string LearntFileName = "ids.learnt";
    public const string GoneFileName = "gone.keys";
    private const int IdEntrySize = 24;

    public static string RequestFileName(int request) => "remove-" + request.ToString("D5", CultureInfo.InvariantCulture) + ".ids";

    public static void AppendLearnt(string path, IReadOnlyList<KeyValuePair<ulong, Guid>> learnt)
    {
        if (learnt.Count == 0)
        {
            return;
        }

        byte[] bytes = new byte[learnt.Count * IdEntrySize];
        for (int i = 0; i < learnt.Count; i++)
        {
            WriteId(bytes.AsSpan(i * IdEntrySize), learnt[i].Key, learnt[i].Value);
        }

        using FileStream file = PrivateFiles.OpenOrCreate(path, FileShare.Read);
        // A torn entry a kill left is cut, so the next ones stay aligned.
        file.SetLength(file.Length - (file.Length % IdEntrySize));
        file.Seek(0, SeekOrigin.End);
        file.Write(bytes, 0, bytes.Length);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Hands every whole entry of ids.learnt to <paramref name="each"/> (none when there is no file), read through a
    /// 64 KB buffer; <paramref name="sized"/> first gets how many there are.
    /// </summary>
    public static void ReadLearnt(string path, Action<ulong, Guid> each, Action<int>? sized = null)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        long whole = file.Length / IdEntrySize;
        sized?.Invoke((int)Math.Min(whole, int.MaxValue));
        byte[] buffer = new byte[2730 * IdEntrySize];
        long left = whole * IdEntrySize;
        while (left > 0)
        {
            int want = (int)Math.Min(buffer.Length, left);
            int got = 0;
            while (got < want)
            {
                int read = file.Read(buffer, got, want - got);
                if (read == 0)
                {
                    return;
                }

                got += read;
            }

            for (int offset = 0; offset < got; offset += IdEntrySize)
            {
                (ulong key, Guid id) = ReadId(buffer.AsSpan(offset));
                each(key, id);
            }

            left -= got;
        }
    }

    public static void WriteRequest(string path, int runListIndex, IReadOnlyList<SyncRecord> contacts)
    {
        byte[] bytes = new byte[4 + (contacts.Count * IdEntrySize)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)runListIndex);
        for (int i = 0; i < contacts.Count; i++)
        {
            WriteId(bytes.AsSpan(4 + (i * IdEntrySize)), contacts[i].Key, contacts[i].ContactId);
        }

        Write(path, bytes);
    }

    /// <summary>A removal request: its run list and contacts; null when the file is missing or not whole.</summary>
    public static (int RunListIndex, List<KeyValuePair<ulong, Guid>> Contacts)? TryReadRequest(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4 || (bytes.Length - 4) % IdEntrySize != 0)
        {
            return null;
        }

        var contacts = new List<KeyValuePair<ulong, Guid>>((bytes.Length - 4) / IdEntrySize);
        for (int offset = 4; offset < bytes.Length; offset += IdEntrySize)
        {
            (ulong key, Guid id) = ReadId(bytes.AsSpan(offset));
            contacts.Add(new KeyValuePair<ulong, Guid>(key, id));
        }

        return ((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes), contacts);
    }

    public static void WriteGone(string path, List<PresentEntry> gone)
    {
        byte[] bytes = new byte[gone.Count * 16];
        for (int i = 0; i < gone.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 16), gone[i].Key);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((i * 16) + 8), gone[i].Lists);
        }

        Write(path, bytes);
    }

    public static List<PresentEntry> ReadGone(string path)
    {
        var gone = new List<PresentEntry>();
        if (!File.Exists(path))
        {
            return gone;
        }

        byte[] bytes = File.ReadAllBytes(path);
        for (int offset = 0; offset + 16 <= bytes.Length; offset += 16)
        {
            gone.Add(new PresentEntry(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset + 8))));
        }

        return gone;
    }

    private static void Write(string path, byte[] bytes)
    {
        using FileStream file = PrivateFiles.Create(path);
        file.Write(bytes, 0, bytes.Length);
        file.Flush(flushToDisk: true);
    }

    private static void WriteId(Span<byte> to, ulong key, Guid id)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(to, key);
        id.ToByteArray().CopyTo(to.Slice(8));
    }

    private static (ulong Key, Guid Id) ReadId(ReadOnlySpan<byte> from) =>
        (BinaryPrimitives.ReadUInt64LittleEndian(from), new Guid(from.Slice(8, 16).ToArray()));
}
