using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace ConstantContactExport.Loader;

/// <summary>
/// The module's own AssemblyLoadContext on PowerShell 7. It loads the module's assemblies and their
/// dependencies (CsvHelper, Microsoft.Extensions.*, System.Text.Json...) from the module's bin folder, so
/// another module's copies in the default context never meet ours. An assembly that the running .NET
/// already ships at the same or a higher version (System.Memory, System.Buffers and the other
/// netstandard2.0 polyfills) falls through to the default context: a second copy of those would split
/// type identity (Span, ValueTask) between the framework and us. Where the module ships precompiled
/// (ReadyToRun) copies for the running .NET and platform, in bin/net&lt;major&gt;.0/&lt;rid&gt; (net10.0/linux-x64,
/// net10.0/win-x64), those are taken first: the same code without the JIT's start-up cost. They are built for that
/// .NET alone (their dependencies may need it), so any other runtime takes bin/'s portable copies.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static ModuleLoadContext? instance;

    private readonly string binPath;
    private readonly string? precompiledPath;
    private readonly Dictionary<string, string> platformAssemblies;

    private ModuleLoadContext(string binPath)
        : base("ConstantContactExport", isCollectible: false)
    {
        this.binPath = binPath;
        string? rid = PlatformRid();
        string? precompiled = rid is null ? null : Path.Combine(binPath, $"net{Environment.Version.Major}.0", rid);
        precompiledPath = precompiled is not null && Directory.Exists(precompiled) ? precompiled : null;
        platformAssemblies = ReadPlatformAssemblies();
    }

    /// <summary>The folder this context loads from.</summary>
    public string BinPath => binPath;

    /// <summary>The folder of precompiled copies for this .NET and platform, or null when the module has none for them.</summary>
    public static string? PrecompiledPath => instance?.precompiledPath;

    /// <summary>
    /// Creates the context once per process and returns the cmdlet assembly loaded in it. Later calls
    /// (a second runspace, Import-Module -Force) get the same assembly.
    /// </summary>
    public static Assembly Initialize(string binPath, string mainAssemblyName)
    {
        lock (Gate)
        {
            instance ??= new ModuleLoadContext(Path.GetFullPath(binPath));
            return instance.LoadFromAssemblyName(new AssemblyName(mainAssemblyName));
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null)
        {
            return null;
        }

        string fileName = assemblyName.Name + ".dll";
        string candidate = precompiledPath is not null && File.Exists(Path.Combine(precompiledPath, fileName))
            ? Path.Combine(precompiledPath, fileName)
            : Path.Combine(binPath, fileName);
        if (!File.Exists(candidate))
        {
            return null;
        }

        if (platformAssemblies.TryGetValue(assemblyName.Name, out string? platformPath)
            && AssemblyName.GetAssemblyName(platformPath).Version >= (assemblyName.Version ?? new Version(0, 0)))
        {
            return null;
        }

        return LoadFromAssemblyPath(candidate);
    }

    /// <summary>The portable runtime identifier of this process (linux-x64, win-x64, osx-arm64...), or null.</summary>
    private static string? PlatformRid()
    {
        string? os = OperatingSystem.IsWindows() ? "win"
            : OperatingSystem.IsLinux() ? "linux"
            : OperatingSystem.IsMacOS() ? "osx"
            : null;
        return os is null ? null : os + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
    }

    /// <summary>Names and paths of the shared framework's assemblies, read from the host's list (no file I/O).</summary>
    private static Dictionary<string, string> ReadPlatformAssemblies()
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string list)
        {
            return result;
        }

        // Only the shared framework counts as "the platform": PowerShell's own dependencies in the list
        // (an application's choice, not a contract) must not shadow ours.
        string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
        foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (path.StartsWith(runtimeDir, StringComparison.OrdinalIgnoreCase))
            {
                result[Path.GetFileNameWithoutExtension(path)] = path;
            }
        }

        return result;
    }
}
