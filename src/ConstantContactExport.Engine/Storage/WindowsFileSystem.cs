using System;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// The Windows calls the secret store needs and .NET Framework 4.7.2 (Windows PowerShell 5.1) lacks, by
/// P/Invoke so that one netstandard2.0 build serves both editions: DPAPI for the current user (crypt32) and an
/// atomic replace (MoveFileEx). Only ever called on Windows.
/// </summary>
internal static class WindowsFileSystem
{
    private const int CryptProtectUiForbidden = 0x1;
    private const int MoveFileReplaceExisting = 0x1;
    private const int MoveFileWriteThrough = 0x8;

    // Ties the blobs to this module: another program running as the same user cannot unprotect them by
    // accident (it can on purpose; DPAPI's boundary is the user account).
    private static readonly byte[] Entropy = System.Text.Encoding.UTF8.GetBytes("ConstantContactExport.TokenStore.v1");

    /// <summary>Encrypts for the current Windows user (DPAPI, CryptProtectData without UI).</summary>
    public static byte[] Protect(byte[] plain) => Transform(plain, protect: true);

    /// <summary>Decrypts what <see cref="Protect"/> made, for the same user on the same machine.</summary>
    public static byte[] Unprotect(byte[] cipher) => Transform(cipher, protect: false);

    /// <summary>Renames over an existing file in one step, flushed to disk before it returns.</summary>
    public static void Replace(string source, string destination)
    {
        if (!MoveFileEx(source, destination, MoveFileReplaceExisting | MoveFileWriteThrough))
        {
            throw new System.IO.IOException($"Could not replace '{destination}': {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
        }
    }

    private static byte[] Transform(byte[] input, bool protect)
    {
        var inputBlob = default(DataBlob);
        var entropyBlob = default(DataBlob);
        var outputBlob = default(DataBlob);
        try
        {
            inputBlob = DataBlob.Copy(input);
            entropyBlob = DataBlob.Copy(Entropy);
            bool ok = protect
                ? CryptProtectData(ref inputBlob, null, ref entropyBlob, IntPtr.Zero, IntPtr.Zero, CryptProtectUiForbidden, out outputBlob)
                : CryptUnprotectData(ref inputBlob, IntPtr.Zero, ref entropyBlob, IntPtr.Zero, IntPtr.Zero, CryptProtectUiForbidden, out outputBlob);
            if (!ok)
            {
                string what = protect ? "encrypt" : "decrypt";
                throw new System.Security.Cryptography.CryptographicException(
                    $"Windows DPAPI could not {what} the token file: {new Win32Exception(Marshal.GetLastWin32Error()).Message}");
            }

            var result = new byte[outputBlob.Length];
            Marshal.Copy(outputBlob.Data, result, 0, result.Length);
            return result;
        }
        finally
        {
            inputBlob.Free(clear: true);
            entropyBlob.Free(clear: false);
            if (outputBlob.Data != IntPtr.Zero)
            {
                // The plain text of an unprotect must not linger in unmanaged memory either.
                ZeroMemory(outputBlob.Data, outputBlob.Length);
                LocalFree(outputBlob.Data);
            }
        }
    }

    private static void ZeroMemory(IntPtr data, int length)
    {
        for (int i = 0; i < length; i++)
        {
            Marshal.WriteByte(data, i, 0);
        }
    }

    [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CryptProtectData(
        ref DataBlob dataIn, string? description, ref DataBlob entropy, IntPtr reserved, IntPtr prompt, int flags, out DataBlob dataOut);

    [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CryptUnprotectData(
        ref DataBlob dataIn, IntPtr description, ref DataBlob entropy, IntPtr reserved, IntPtr prompt, int flags, out DataBlob dataOut);

    [DllImport("kernel32.dll")]
    private static extern IntPtr LocalFree(IntPtr memory);

    [DllImport("kernel32.dll", EntryPoint = "MoveFileExW", SetLastError = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool MoveFileEx(string existingFileName, string newFileName, int flags);

    /// <summary>DATA_BLOB: a length and a pointer to unmanaged bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct DataBlob
    {
        public int Length;
        public IntPtr Data;

        public static DataBlob Copy(byte[] bytes)
        {
            var blob = new DataBlob { Length = bytes.Length, Data = Marshal.AllocHGlobal(Math.Max(1, bytes.Length)) };
            Marshal.Copy(bytes, 0, blob.Data, bytes.Length);
            return blob;
        }

        public void Free(bool clear)
        {
            if (Data == IntPtr.Zero)
            {
                return;
            }

            if (clear)
            {
                ZeroMemory(Data, Length);
            }

            Marshal.FreeHGlobal(Data);
            Data = IntPtr.Zero;
        }
    }
}
