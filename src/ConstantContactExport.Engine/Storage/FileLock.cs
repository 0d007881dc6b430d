using System;
using System.IO;
using System.Threading;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// A lock that holds across processes: a lock file opened with FileShare.None (on Unix .NET takes an
/// advisory flock on it). The operating system releases it when the process dies, so a killed run never
/// leaves an export locked.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream stream;

    private FileLock(FileStream stream)
    {
        this.stream = stream;
    }

    /// <summary>Takes the lock now, or returns null when another process (or this one) holds it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Waits for the lock, trying every 50 ms, until the timeout or the token ends the wait.</summary>
    /// <exception cref="TimeoutException">The lock was held all along.</exception>
    public static FileLock Acquire(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            FileLock? taken = TryAcquire(path);
            if (taken is not null)
            {
                return taken;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The lock '{path}' was held by another process for {timeout.TotalSeconds:0} seconds.");
            }

            cancellationToken.WaitHandle.WaitOne(50);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public void Dispose() => stream.Dispose();
}
