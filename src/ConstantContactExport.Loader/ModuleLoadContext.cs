using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace ConstantContactExport.Loader;

/// <summary>
/// The module's own AssemblyLoadContext on PowerShell 7. It loads the module's assemblies and their
/// dependencies (CsvHelper, Microsoft.Extensions.*, System.Text.Json...) from the module's bin folder, so
/// another module's copies in the default context never meet ours. An assembly that the running .NET
/// already ships at the same or a higher version (System.Memory, System.Buffers and the other
/// netstandard2.0 polyfills) falls through to the default context: a second copy of those would split
/// type identity (Span, ValueTask) between the framework and us.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static ModuleLoadContext? instance;

    private readonly string binPath;
    private readonly Dictionary<string, string> platformAssemblies;

    private ModuleLoadContext(string binPath)
        : base("ConstantContactExport", isCollectible: false)
    {
        this.binPath = binPath;
        platformAssemblies = ReadPlatformAssemblies();
    }

    /// <summary>The folder this context loads from.</summary>
    public string BinPath => binPath;

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

        string candidate = Path.Combine(binPath, assemblyName.Name + ".dll");
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
