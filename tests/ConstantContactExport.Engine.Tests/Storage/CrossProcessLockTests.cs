using System;
using System.Diagnostics;
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
        using var home = new TempHome();
        string path = CrossProcessLock.PathFor(home.Paths, "connection-Prod");
        CrossProcessLock first = await CrossProcessLock.AcquireAsync(path, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);
        Task<CrossProcessLock> second = CrossProcessLock.AcquireAsync(path, TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);

        await Task.Delay(300);
        Assert.False(second.IsCompleted);
        first.Dispose();
        using CrossProcessLock held = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(path, held.Path);
    }

    [Fact]
    public async Task Gives_up_after_the_timeout()
    {
        using var home = new TempHome();
        string path = CrossProcessLock.PathFor(home.Paths, "connection-Prod");
        using CrossProcessLock first = await CrossProcessLock.AcquireAsync(path, TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None);

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => CrossProcessLock.AcquireAsync(path, TimeSpan.FromMilliseconds(400), TimeProvider.System, CancellationToken.None));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(350));
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
