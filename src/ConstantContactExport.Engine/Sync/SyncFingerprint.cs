using System;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// A 64-bit fingerprint (XxHash64) of the fields a profile was sent with, so that a later run tells a changed
/// profile from an unchanged one without keeping the fields. Each field goes in as its name and its value, each
/// length-prefixed, so that ("ab","c") and ("a","bc") differ and a missing value differs from an empty one.
/// Include the email address (<see cref="SyncKey"/> relies on it). Not a security measure. Reusable: call
/// <see cref="Reset"/> between profiles.
/// </summary>
public sealed class SyncFingerprint
{
    private readonly XxHash64 hash = new();

    public SyncFingerprint Add(string name, string? value)
    {
        AppendText(name ?? throw new ArgumentNullException(nameof(name)));
        if (value is null)
        {
            AppendInt(-1);
        }
        else
        {
            AppendText(value);
        }

        return this;
    }

    public ulong Value => hash.GetCurrentHashAsUInt64();

    public void Reset() => hash.Reset();

    private void AppendText(string text)
    {
        AppendInt(text.Length);
        hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
    }

    private void AppendInt(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.Append(bytes);
    }
}
