using System;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Storage;

public sealed class CrossProcessLockTests
{
    [Fact]
    public async Task A_second_holder_waits_for_the_first()
    {
        // On a clock that moves only at the pauses between tries: every try while the first holds the lock fails.
        using var home = new TempHome();
        var time = new TimerClock();
        string path = CrossProcessLock.PathFor(home.Paths, "connection-Prod");
        CrossProcessLock first = await CrossProcessLock.AcquireAsync(path, TimeSpan.FromSeconds(5), time, CancellationToken.None);
        Task<CrossProcessLock> second = CrossProcessLock.AcquireAsync(path, TimeSpan.FromSeconds(10), time, CancellationToken.None);

        for (int i = 0; i < 5; i++)
        {
            await time.AdvanceToNextTimerAsync();
            await time.WaitForTimerAsync(); // it tried again, failed, and pauses once more
            Assert.False(second.IsCompleted);
        }

        first.Dispose();
        await time.AdvanceToNextTimerAsync();
        using CrossProcessLock held = await second.WaitAsync(TimerClock.HangGuard);
        Assert.Equal(path, held.Path);
    }

    [Fact]
    public async Task Gives_up_after_the_timeout()
    {
        using var home = new TempHome();
        string path = CrossProcessLock.PathFor(home.Paths, "connection-Prod");
        var time = new TimerClock();
        using CrossProcessLock first = await CrossProcessLock.AcquireAsync(path, TimeSpan.FromSeconds(5), time, CancellationToken.None);

        DateTimeOffset start = time.GetUtcNow();
        Task<CrossProcessLock> second = CrossProcessLock.AcquireAsync(path, TimeSpan.FromMilliseconds(400), time, CancellationToken.None);
        await time.DriveAsync(second);
        await Assert.ThrowsAsync<TimeoutException>(() => second);
        // Not before the timeout, and at the first try after it (pauses are at most 250 ms).
        TimeSpan waited = time.GetUtcNow() - start;
        Assert.InRange(waited, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(650));
    }

    [Fact]
    public async Task Lock_folder_is_private()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        using CrossProcessLock held = await CrossProcessLock.AcquireAsync(CrossProcessLock.PathFor(home.Paths, "x"), TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None);
        Assert.Equal((System.IO.UnixFileMode)0x1C0, System.IO.File.GetUnixFileMode(home.Paths.Locks));
    }
}
