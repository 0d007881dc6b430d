using System;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// Who is running: DOMAIN\user on Windows, the login name elsewhere. Compared without regard to case on
/// Windows (as Windows does) and exactly elsewhere (as Linux and macOS do).
/// </summary>
public static class UserIdentity
{
    public static string Current =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? Environment.UserDomainName + "\\" + Environment.UserName
            : Environment.UserName;

    public static StringComparison Comparison =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// True when <paramref name="listed"/> names <paramref name="user"/>: the same text, or a bare user name
    /// that is the name part of a DOMAIN\user.
    /// </summary>
    public static bool Matches(string listed, string user)
    {
        if (string.IsNullOrWhiteSpace(listed) || string.IsNullOrWhiteSpace(user))
        {
            return false;
        }

        listed = listed.Trim();
        user = user.Trim();
        if (string.Equals(listed, user, Comparison))
        {
            return true;
        }

        int slash = user.LastIndexOf('\\');
        return listed.IndexOf('\\') < 0 && slash >= 0 && string.Equals(listed, user.Substring(slash + 1), Comparison);
    }
}
