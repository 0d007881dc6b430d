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

    /// <summary>Writes a file that anyone the folder lets in may read (definitions, journals); creates the folder.</summary>
    public static void WriteAllBytes(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Write(path, content, ownerOnly: false);
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> in an existing folder. With
    /// <paramref name="ownerOnly"/> on Linux and macOS the temporary file is created with mode 0600 from its
    /// first moment (so the renamed file is too); on Windows the folder's inherited ACL applies, and secrets
    /// are encrypted with DPAPI before they get here.
    /// </summary>
    public static void Write(string path, byte[] content, bool ownerOnly)
    {
        using Reservation reservation = Reserve(path, 0, ownerOnly);
        reservation.Commit(content);
    }

    /// <summary>
    /// Takes room on disk for a file's next content before that content exists: the temporary file
    /// <see cref="Write"/> uses, filled with <paramref name="bytes"/> zero bytes and flushed, so that the blocks are
    /// allocated now. <see cref="Reservation.Commit"/> then writes into them and renames; content up to that size
    /// needs no more room (on file systems that overwrite in place). Disposed without a commit, the file is deleted.
    /// For content that must not be lost once asked for: a rotated refresh token (<see cref="TokenStore.Reserve"/>).
    /// </summary>
    /// <exception cref="IOException">There is no room (or the folder cannot be written): nothing was changed.</exception>
    public static Reservation Reserve(string path, int bytes, bool ownerOnly)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        FileStream? stream = null;
        try
        {
            stream = ownerOnly && !IsWindows
                ? UnixFileSystem.CreateNew(temp, UnixFileSystem.OwnerReadWrite)
                : new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
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
