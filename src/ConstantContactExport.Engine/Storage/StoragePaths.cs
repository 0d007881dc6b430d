using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// Where the module keeps its files. CC_EXPORT_HOME, when set, is the one folder for everything (tests and
/// the demo point it at a temporary folder). Otherwise %LOCALAPPDATA%\ConstantContactExport on Windows and
/// $XDG_CONFIG_HOME/ConstantContactExport (or ~/.config/ConstantContactExport) elsewhere.
/// </summary>
public sealed class StoragePaths
{
    public const string HomeVariable = "CC_EXPORT_HOME";

    public StoragePaths(string root)
    {
        if (string.IsNullOrWhiteSpace(root))
        {
            throw new ArgumentException("The storage folder is empty.", nameof(root));
        }

        Root = Path.GetFullPath(root);
    }

    /// <summary>The folder that holds connections, secrets, export definitions and runs.</summary>
    public string Root { get; }

    /// <summary>Connection files (JSON, no secrets).</summary>
    public string Connections => Path.Combine(Root, "connections");

    /// <summary>Token files: readable by the owner alone.</summary>
    public string Secrets => Path.Combine(Root, "secrets");

    /// <summary>Export definitions (JSON, no secrets).</summary>
    public string Exports => Path.Combine(Root, "exports");

    /// <summary>One folder a run: journal, staged bodies, reject report.</summary>
    public string Runs => Path.Combine(Root, "runs");

    /// <summary>Lock files that keep two processes from spending one refresh token or running one export twice.</summary>
    public string Locks => Path.Combine(Root, "locks");

    /// <summary>The folder as the environment says, read afresh each time so a runbook can set it late.</summary>
    public static StoragePaths FromEnvironment()
    {
        string? home = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(home))
        {
            return new StoragePaths(home!);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return new StoragePaths(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ConstantContactExport"));
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        string config = !string.IsNullOrWhiteSpace(xdg)
            ? xdg!
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return new StoragePaths(Path.Combine(config, "ConstantContactExport"));
    }
}
