using System;
using System.IO;
using System.IO.Hashing;

namespace ConstantContactExport.Engine.Import;

/// <summary>
/// A body file's fingerprint (128-bit XxHash, hex), journaled before a body is sent while its run is still
/// staging: a run resumed after such a kill stages its files again, and the fingerprints say whether the new
/// bodies are the ones already sent. Not a security measure: it tells changed input from unchanged.
/// </summary>
public static class BodyHash
{
    private const int BufferSize = 1 << 16;

    public static string Of(string path)
    {
        var hash = new XxHash128();
        byte[] buffer = new byte[BufferSize];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            int read;
            while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.Append(new ReadOnlySpan<byte>(buffer, 0, read));
            }
        }

        byte[] value = hash.GetCurrentHash();
        return BitConverter.ToString(value).Replace("-", string.Empty).ToLowerInvariant();
    }
}
