using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// What one read of a -RemoveMissing run's lists found, kept in the run's folder until the run records it into the
/// export's <see cref="SyncKept"/>: per run list, the server's time the read of it started (null: not read, or not
/// read whole enough to move its watermark), and the outsiders found (key, bits over the run's lists). Written
/// atomically before the step is journaled, so a resumed run uses it instead of reading again.
/// <code>
/// list count u32, then per run list: watermark i64 (Unix ms; i64 minimum: none); entry count u32, then per entry
/// key u64, run list bits u64; XxHash64 of every byte before it
/// </code>
/// </summary>
public sealed class ListReadFile
{
    /// <summary>The read before the run's first import (in the run's folder: a run staged again keeps it).</summary>
    public const string BeforeImportsName = "outsiders.before";

    /// <summary>The read after the imports, while learning contact ids (with the removal files).</summary>
    public const string AfterImportsName = "outsiders.after";

    public ListReadFile(DateTimeOffset?[] watermarks, List<PresentEntry> outsiders)
    {
        Watermarks = watermarks;
        Outsiders = outsiders;
    }

    /// <summary>Per run list, when its read started by the server's clock; null when it moves nothing.</summary>
    public DateTimeOffset?[] Watermarks { get; }

    /// <summary>Contacts found on a run list that the export did not put there: key and run list bits.</summary>
    public List<PresentEntry> Outsiders { get; }

    public void Save(string path)
    {
        using var buffer = new MemoryStream();
        var writer = new BinaryWriter(buffer);
        writer.Write((uint)Watermarks.Length);
        foreach (DateTimeOffset? mark in Watermarks)
        {
            writer.Write(mark?.ToUnixTimeMilliseconds() ?? long.MinValue);
        }

        writer.Write((uint)Outsiders.Count);
        foreach (PresentEntry entry in Outsiders)
        {
            writer.Write(entry.Key);
            writer.Write(entry.Lists);
        }

        writer.Flush();
        writer.Write(XxHash64.HashToUInt64(buffer.ToArray()));
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>The file, or null when it is missing or damaged (BinaryWriter writes little-endian, as read here).</summary>
    public static ListReadFile? TryRead(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (bytes.Length < 16 || XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)))
        {
            return null;
        }

        int at = 0;
        uint lists = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
        at += 4;
        if (lists > 64 || bytes.Length < 4 + (lists * 8) + 4 + 8)
        {
            return null;
        }

        var marks = new DateTimeOffset?[lists];
        for (int i = 0; i < lists; i++, at += 8)
        {
            long ms = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at));
            marks[i] = ms == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
        at += 4;
        if (bytes.Length != at + ((long)count * 16) + 8)
        {
            return null;
        }

        var outsiders = new List<PresentEntry>((int)count);
        for (int i = 0; i < count; i++, at += 16)
        {
            outsiders.Add(new PresentEntry(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 8))));
        }

        return new ListReadFile(marks, outsiders);
    }
}
