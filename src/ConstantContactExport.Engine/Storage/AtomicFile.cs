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
        using Reservation reservation = Reserve(path, 0);
        reservation.Commit(content);
    }

    /// <summary>
    /// Starts replacing <paramref name="path"/> (in an existing folder) with content written to
    /// <see cref="PendingFile.Stream"/>, for content too big to hold in memory. The temporary file is made as
    /// <see cref="Write"/> says; <see cref="PendingFile.Commit"/> flushes it to disk and renames it over the old file;
    /// disposing without a commit deletes it and leaves the old file as it was.
    /// </summary>
    public static PendingFile Begin(string path, int bufferSize = 4096)
    {
        string temp = TempFor(path);
        return new PendingFile(CreateTemp(temp, bufferSize), temp, path);
    }

    /// <summary>
    /// Takes room on disk for a file's next content before that content exists: the temporary file
    /// <see cref="Write"/> uses, filled with <paramref name="bytes"/> zero bytes and flushed, so that the blocks are
    /// allocated now. <see cref="Reservation.Commit"/> then writes into them and renames; content up to that size
    /// needs no more room (on file systems that overwrite in place). Disposed without a commit, the file is deleted.
    /// For content that must not be lost once asked for: a rotated refresh token (<see cref="TokenStore.Reserve"/>).
    /// </summary>
    /// <exception cref="IOException">There is no room (or the folder cannot be written): nothing was changed.</exception>
    public static Reservation Reserve(string path, int bytes)
    {
        string temp = TempFor(path);
        FileStream? stream = null;
        try
        {
            stream = CreateTemp(temp, 4096);
            if (bytes > 0)
            {
                stream.Write(new byte[bytes], 0, bytes);
                stream.Flush(flushToDisk: true);
            }

            return new Reservation(path, temp, stream);
        }
        catch
        {
            stream?.Dispose();
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Deletes the temporary files a write of <paramref name="path"/> left behind when its process ended before the
    /// rename. Only for files whose every writer holds a lock the caller holds now (an export's sync state under the
    /// export's lock): no write of them can be under way.
    /// </summary>
    public static void DeleteLeftovers(string path)
    {
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            return;
        }

        foreach (string leftover in Directory.EnumerateFiles(folder, "." + Path.GetFileName(full) + ".*.tmp"))
        {
            TryDelete(leftover);
        }
    }

    private static string TempFor(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");

    /// <summary>A temporary file: created exclusively (a file or link already there fails it), on Unix mode 0600 from its first moment.</summary>
    private static FileStream CreateTemp(string temp, int bufferSize) => !IsWindows
        ? UnixFileSystem.Open(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, UnixFileSystem.OwnerReadWrite, bufferSize)
        : new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize);

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

        /// <summary>Flushes what is written so far to disk, so that a <see cref="Commit"/> after it is quick.</summary>
        public void FlushToDisk() => (stream ?? throw new ObjectDisposedException(nameof(PendingFile))).Flush(flushToDisk: true);

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

    /// <summary>A file's next content, its room taken (<see cref="Reserve"/>): committed once, or deleted.</summary>
    public sealed class Reservation : IDisposable
    {
        private readonly string path;
        private readonly string temp;
        private FileStream? stream;

        internal Reservation(string path, string temp, FileStream stream)
        {
            this.path = path;
            this.temp = temp;
            this.stream = stream;
        }

        /// <summary>Writes the content over the reserved bytes, cuts what is left, flushes to disk and renames over the file.</summary>
        public void Commit(byte[] content)
        {
            FileStream open = stream ?? throw new InvalidOperationException("The reservation is committed or disposed.");
            open.Position = 0;
            open.Write(content, 0, content.Length);
            open.SetLength(content.Length);
            open.Flush(flushToDisk: true);
            open.Dispose();
            stream = null;
            try
            {
                Replace(temp, path);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        public void Dispose()
        {
            if (stream is not null)
            {
                stream.Dispose();
                stream = null;
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
