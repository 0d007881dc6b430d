using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// Replaces a file's content all at once: the new content goes to a temporary file in the same folder (so the
/// rename stays on one file system), is flushed to disk, and is renamed over the old one. A reader sees the
/// old file or the new one, never half.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly MethodInfo? MoveWithOverwrite =
        typeof(File).GetMethod(nameof(File.Move), new[] { typeof(string), typeof(string), typeof(bool) });

    internal static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    public static void WriteAllText(string path, string content) => WriteAllBytes(path, Utf8NoBom.GetBytes(content));

    /// <summary>Writes the file (<see cref="Write"/>), creating its folder owner-only (<see cref="PrivateFiles.CreateFolder"/>).</summary>
    public static void WriteAllBytes(string path, byte[] content)
    {
        PrivateFiles.CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Write(path, content);
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> in an existing folder. The temporary file has a
    /// new random name and is created exclusively (O_EXCL: a file or link already there fails the create, never
    /// redirects it); on Linux and macOS with mode 0600 from its first moment, so the renamed file is the owner's
    /// alone. On Windows the folder's inherited ACL applies, and secrets are encrypted with DPAPI before they get here.
    /// </summary>
    public static void Write(string path, byte[] content)
    {
        using PendingFile pending = Begin(path);
        pending.Stream.Write(content, 0, content.Length);
        pending.Commit();
    }

    /// <summary>
    /// Starts replacing <paramref name="path"/> (in an existing folder) with content written to
    /// <see cref="PendingFile.Stream"/>, for content too big to hold in memory. The temporary file is made as
    /// <see cref="Write"/> says; <see cref="PendingFile.Commit"/>
    /// flushes it to disk and renames it over the old file; disposing without a commit deletes it and leaves the
    /// old file as it was.
    /// </summary>
    public static PendingFile Begin(string path, int bufferSize = 4096)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        FileStream stream = !IsWindows
            ? UnixFileSystem.Open(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, UnixFileSystem.OwnerReadWrite, bufferSize)
            : new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize);
        return new PendingFile(stream, temp, path);
    }

    /// <summary>A replacement being written: commit it to rename it into place, or dispose it to throw it away.</summary>
    public sealed class PendingFile : IDisposable
    {
        private readonly string temp;
        private readonly string destination;
        private FileStream? stream;
        private bool committed;

        internal PendingFile(FileStream stream, string temp, string destination)
        {
            this.stream = stream;
            this.temp = temp;
            this.destination = destination;
        }

        /// <summary>Where the new content goes. Not to be disposed by the caller.</summary>
        public Stream Stream => stream ?? throw new ObjectDisposedException(nameof(PendingFile));

        /// <summary>Flushes the new content to disk and renames it over the destination in one step.</summary>
        public void Commit()
        {
            FileStream open = stream ?? throw new ObjectDisposedException(nameof(PendingFile));
            open.Flush(flushToDisk: true);
            open.Dispose();
            stream = null;
            Replace(temp, destination);
            committed = true;
        }

        public void Dispose()
        {
            stream?.Dispose();
            stream = null;
            if (!committed)
            {
                TryDelete(temp);
            }
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
