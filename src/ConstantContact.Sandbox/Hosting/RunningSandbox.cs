using Microsoft.AspNetCore.Builder;

namespace ConstantContact.Sandbox.Hosting;

/// <summary>A started sandbox: where it listens, and how to stop it.</summary>
public sealed class RunningSandbox : IAsyncDisposable
{
    public RunningSandbox(WebApplication app, int port, SandboxOptions options)
    {
        App = app;
        Port = port;
        Options = options;
        Banner = new StartupBanner
        {
            ApiBaseUri = $"http://127.0.0.1:{port}/v3",
            AuthBaseUri = $"http://127.0.0.1:{port}/oauth2/default/v1",
            ClientId = options.ClientId,
        };
    }

    public WebApplication App { get; }

    public int Port { get; }

    public SandboxOptions Options { get; }

    public StartupBanner Banner { get; }

    public Uri RootUri => new($"http://127.0.0.1:{Port}/");

    public IServiceProvider Services => App.Services;

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
