using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// A lock that other processes (and other runspaces of this one) respect: a lock file under
/// <see cref="StoragePaths.Locks"/> held open with FileShare.None. Windows enforces the share mode; on Linux and
/// macOS .NET takes an exclusive flock(2) for it, which every open of the file honours. The operating system
/// drops the lock when its holder dies, so a crashed process never leaves it held. Lock files stay on disk:
/// deleting one while another process waits on it would let two holders in.
/// </summary>
public sealed class CrossProcessLock : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMilliseconds(250);

    private FileStream? stream;

    private CrossProcessLock(FileStream stream, string path)
    {
        this.stream = stream;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The lock file for <paramref name="name"/> (a safe name with a kind prefix, e.g. "connection-Prod").</summary>
    public static string PathFor(StoragePaths paths, string name) => System.IO.Path.Combine(paths.Locks, name + ".lock");

    /// <summary>
    /// Takes the lock, retrying (with growing pauses) until <paramref name="timeout"/>; then a
    /// <see cref="TimeoutException"/> says who to suspect.
    /// </summary>
    public static async Task<CrossProcessLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        string folder = System.IO.Path.GetDirectoryName(path)!;
        // Only the owner may create lock files here, so nobody else can hold ours.
        PrivateFiles.CreateFolder(folder);
        if (!AtomicFile.IsWindows && UnixFileSystem.LStat(path) is not null)
        {
            // A lock file is opened, not replaced: one that is a link or another user's is refused, not followed.
            HomeGuard.CheckEntry(path, folder: false);
        }

        long started = time.GetTimestamp();
        TimeSpan pause = FirstRetry;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                FileStream stream = AtomicFile.IsWindows
                    ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None)
                    : UnixFileSystem.Open(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, UnixFileSystem.OwnerReadWrite, bufferSize: 1);
                return new CrossProcessLock(stream, path);
            }
            catch (IOException) when (time.GetElapsedTime(started) < timeout)
            {
            }
            catch (UnauthorizedAccessException) when (AtomicFile.IsWindows && time.GetElapsedTime(started) < timeout)
            {
                // Windows reports a file in the middle of another process's open this way at times.
            }
            catch (IOException ex)
            {
                throw new TimeoutException(
                    $"Another process held the lock '{System.IO.Path.GetFileName(path)}' for more than {timeout.TotalSeconds:0} seconds. "
                    + "If no other PowerShell session is using this connection, try again.", ex);
            }

            await time.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestRetry.Ticks));
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref stream, null)?.Dispose();
    }
}
