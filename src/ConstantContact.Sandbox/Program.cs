using System.Text.Json;
using Microsoft.Extensions.Hosting;
using ConstantContact.Sandbox.Hosting;
using ConstantContact.Sandbox.Json;

namespace ConstantContact.Sandbox;

/// <summary>
/// <c>dotnet ConstantContact.Sandbox.dll --port 0 [options]</c>: starts on 127.0.0.1, prints one JSON line
/// (apiBaseUri, authBaseUri, clientId) as the first line of standard output, and runs until Ctrl+C or SIGTERM.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.Out.Write(SandboxOptions.Usage);
            return 0;
        }

        SandboxOptions options;
        try
        {
            options = SandboxOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.Write(SandboxOptions.Usage);
            return 2;
        }

        await using var sandbox = await SandboxHost.StartAsync(options, TimeProvider.System, embedded: false);
        Console.Out.WriteLine(JsonSerializer.Serialize(sandbox.Banner, SandboxJsonContext.Default.StartupBanner));
        Console.Out.Flush();
        await sandbox.App.WaitForShutdownAsync();
        return 0;
    }
}
