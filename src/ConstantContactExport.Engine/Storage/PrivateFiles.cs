using System;
using System.IO;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// Files and folders that hold personal data (run folders, staged bodies, journals, reject reports): on Linux and
/// macOS folders are 0700 and files 0600 from their first moment; on Windows they take the ACL of the folder they
/// are made in (under %LOCALAPPDATA%, the user's own). A file is never written through a symbolic link: a report
/// path that is a link is refused, and a new file is created exclusively, so that a link planted meanwhile fails
/// the create instead of redirecting it.
/// </summary>
public static class PrivateFiles
{
    /// <summary>
    /// Creates the folder (and missing parents) owner-only, or checks an existing one (<see cref="HomeGuard.CheckEntry"/>:
    /// a link, another user's folder or one others may write is refused) and narrows it. Every folder of the home is made here.
    /// </summary>
    public static void CreateFolder(string path)
    {
        if (AtomicFile.IsWindows)
        {
            Directory.CreateDirectory(path);
            return;
        }

        UnixFileSystem.CreatePrivateDirectory(Path.GetFullPath(path), UnixFileSystem.OwnerAll);
    }

    /// <summary>
    /// A new, empty file for writing at <paramref name="path"/>: a regular file already there is replaced; a link is
    /// refused (<see cref="UnsafeFileException"/>).
    /// </summary>
    public static FileStream Create(string path, FileShare share = FileShare.None, int bufferSize = 4096)
    {
        CheckNotLink(path);
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        try
        {
            return AtomicFile.IsWindows
                ? new FileStream(path, FileMode.CreateNew, FileAccess.Write, share, bufferSize)
                : UnixFileSystem.Open(path, FileMode.CreateNew, FileAccess.Write, share, UnixFileSystem.OwnerReadWrite, bufferSize);
        }
        catch (IOException) when (IsLink(path))
        {
            throw new UnsafeFileException(path);
        }
    }

    /// <summary>Opens a file for reading and writing, created owner-only if it is new and narrowed to the owner if it is not.</summary>
    public static FileStream OpenOrCreate(string path, FileShare share)
    {
        CheckNotLink(path);
        if (AtomicFile.IsWindows)
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        }

        FileStream stream = UnixFileSystem.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share, UnixFileSystem.OwnerReadWrite);
        try
        {
            if ((UnixFileSystem.GetMode(path) & ~UnixFileSystem.OwnerReadWrite) != 0)
            {
                // Made by an older version with the umask's mode: narrow it, never widen.
                UnixFileSystem.SetMode(path, UnixFileSystem.OwnerReadWrite);
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return stream;
    }

    /// <summary>Refuses a path that is a symbolic link (or another reparse point), even one that points nowhere.</summary>
    /// <exception cref="UnsafeFileException">The path is a link.</exception>
    public static void CheckNotLink(string path)
    {
        if (IsLink(path))
        {
            throw new UnsafeFileException(path);
        }
    }

    private static bool IsLink(string path)
    {
        try
        {
            // .NET reports a symbolic link as a reparse point on every system, from lstat(2) when the target is missing.
            return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}

/// <summary>A file that would hold personal data is a link: it is not written through.</summary>
public sealed class UnsafeFileException : ArgumentException
{
    public UnsafeFileException(string path)
        : base($"'{path}' is a symbolic link. Reports and run files hold personal data and are never written through a link; give the path of a regular file, or of one that does not exist yet.")
    {
        Path = path;
    }

    public string Path { get; }
}
