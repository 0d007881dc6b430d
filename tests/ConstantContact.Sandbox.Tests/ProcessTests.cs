using System.Diagnostics;
using System.Text.Json;

namespace ConstantContact.Sandbox.Tests;

/// <summary>The built dll, started as the demo and the Pester tests start it.</summary>
public sealed class ProcessTests
{
    private static string SandboxDll => Path.Combine(AppContext.BaseDirectory, "ConstantContact.Sandbox.dll");

    [Fact]
    public async Task The_first_stdout_line_is_the_json_banner_and_sigterm_stops_it()
    {
        using var process = Start("--port", "0", "--client-id", "process-test-client", "--rate-limit", "0");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.NotNull(line);
            using var banner = JsonDocument.Parse(line);
            var api = banner.RootElement.GetProperty("apiBaseUri").GetString()!;
            Assert.Matches(@"^http://127\.0\.0\.1:\d+/v3$", api);
            Assert.Matches(@"^http://127\.0\.0\.1:\d+/oauth2/default/v1$", banner.RootElement.GetProperty("authBaseUri").GetString()!);
            Assert.Equal("process-test-client", banner.RootElement.GetProperty("clientId").GetString());

            using var http = new HttpClient();
            var reply = await http.GetAsync(api + "/contact_lists");
            Assert.Equal(HttpStatusCode.Unauthorized, reply.StatusCode);

            if (!OperatingSystem.IsWindows())
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill!.WaitForExitAsync();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
                Assert.Equal(0, process.ExitCode);
                // Nothing else was written to standard output.
                Assert.Equal(string.Empty, (await process.StandardOutput.ReadToEndAsync()).Trim());
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task A_bad_option_exits_with_2_and_says_why_on_stderr()
    {
        using var process = Start("--port", "0", "--refresh-token-mode", "forever");
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--refresh-token-mode", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await process.StandardOutput.ReadToEndAsync());
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SandboxDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }
}
