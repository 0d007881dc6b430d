using System;
using System.Runtime.InteropServices;
using System.Security;

namespace ConstantContactExport.Connections;

/// <summary>SecureString parameters to the plain text the token endpoint needs, with the unmanaged copy zeroed.</summary>
internal static class SecureStrings
{
    public static string? ToPlainText(SecureString? secure)
    {
        if (secure is null || secure.Length == 0)
        {
            return null;
        }

        IntPtr pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(pointer)?.Trim();
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
