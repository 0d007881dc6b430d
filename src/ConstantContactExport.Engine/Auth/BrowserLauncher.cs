using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// Opens a URI in the system browser, where there is one: the shell on Windows, <c>open</c> on macOS,
/// <c>xdg-open</c> on a Linux desktop (DISPLAY or WAYLAND_DISPLAY set). An SSH session or a container has
/// none, and the caller prints the URI instead. <see cref="OverrideVariable"/> names a program to run
/// instead, with the URI as its one argument: tests use it to script the browser.
/// </summary>
public static class BrowserLauncher
{
    public const string OverrideVariable = "CC_EXPORT_BROWSER";

    /// <summary>True when a browser (or the override) was started with the URI.</summary>
    public static bool TryOpen(Uri uri)
    {
        string argument = "\"" + uri.AbsoluteUri + "\"";
        string? custom = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(custom))
        {
            return Start(new ProcessStartInfo(custom!, argument));
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return Start(new ProcessStartInfo(uri.AbsoluteUri) { UseShellExecute = true });
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return Start(new ProcessStartInfo("open", argument));
        }

        bool desktop = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        return desktop && OnPath("xdg-open") && Start(new ProcessStartInfo("xdg-open", argument));
    }

    private static bool Start(ProcessStartInfo info)
    {
        if (!info.UseShellExecute)
        {
            // The browser's chatter must not land in the PowerShell console; drain it and drop it.
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.RedirectStandardInput = false;
        }

        try
        {
            Process? process = Process.Start(info);
            if (process is null)
            {
                return info.UseShellExecute;
            }

            if (!info.UseShellExecute)
            {
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }

            return true;
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or FileNotFoundException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static bool OnPath(string program)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        foreach (string folder in path!.Split(Path.PathSeparator))
        {
            if (folder.Length > 0 && File.Exists(Path.Combine(folder, program)))
            {
                return true;
            }
        }

        return false;
    }
}
