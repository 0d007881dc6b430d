using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// Writes a whole file so that a reader sees the old content or the new, never a part: a temporary file in the
/// same folder (so the rename stays on one file system), flushed to disk, then renamed over the target.
/// </summary>
public static class AtomicFile
{
    private static readonly MethodInfo? MoveWithOverwrite =
        typeof(File).GetMethod(nameof(File.Move), new[] { typeof(string), typeof(string), typeof(bool) });

    internal static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/>. With <paramref name="ownerOnly"/> on Linux
    /// and macOS the temporary file is created with mode 0600 from its first moment (so the renamed file is
    /// too); on Windows the folder's inherited ACL applies, and secrets are encrypted with DPAPI before they
    /// get here.
    /// </summary>
    public static void Write(string path, byte[] content, bool ownerOnly)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (FileStream stream = ownerOnly && !IsWindows
                ? UnixFileSystem.CreateNew(temp, UnixFileSystem.OwnerReadWrite)
                : new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content, 0, content.Length);
                stream.Flush(flushToDisk: true);
            }

            Replace(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Deletes a file if it is there; a file that is already gone is no error.</summary>
    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static void Replace(string source, string destination)
    {
        if (IsWindows)
        {
            WindowsFileSystem.Replace(source, destination);
            return;
        }

        // .NET Core's File.Move(overwrite: true) is rename(2) on Unix: atomic within one file system.
        if (MoveWithOverwrite is null)
        {
            throw new PlatformNotSupportedException("An atomic file replace needs .NET Core 3.0 or later on this system.");
        }

        try
        {
            MoveWithOverwrite.Invoke(null, new object[] { source, destination, true });
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
