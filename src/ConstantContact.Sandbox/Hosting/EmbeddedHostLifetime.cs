using Microsoft.Extensions.Hosting;

namespace ConstantContact.Sandbox.Hosting;

/// <summary>
/// The lifetime of a sandbox started inside another process (a test): it must not take over that process's
/// Ctrl+C and SIGTERM handling, as the console lifetime would.
/// </summary>
public sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
