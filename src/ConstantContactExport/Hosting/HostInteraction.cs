using System;
using System.Management.Automation.Host;

namespace ConstantContactExport.Hosting;

/// <summary>
/// Whether anyone can answer a prompt. PowerShell has no public flag for -NonInteractive, so this looks at what
/// betrays it: the command line, a process without a user session (services, cron via systemd), a host that
/// is not a console (runspaces made in code, Azure Automation's), and input that is not a terminal.
/// </summary>
internal static class HostInteraction
{
    public static bool IsNonInteractive(PSHost host)
    {
        if (!Environment.UserInteractive)
        {
            return true;
        }

        foreach (string argument in Environment.GetCommandLineArgs())
        {
            string flag = argument.TrimStart('-', '/').ToLowerInvariant();
            if (flag.Length >= 4 && "noninteractive".StartsWith(flag, StringComparison.Ordinal) && argument.Length > flag.Length)
            {
                return true;
            }
        }

        if (host is null || host.UI is null || host.Name == "Default Host")
        {
            return true;
        }

        try
        {
            return host.Name == "ConsoleHost" && Console.IsInputRedirected;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.IO.IOException)
        {
            return true;
        }
    }
}
