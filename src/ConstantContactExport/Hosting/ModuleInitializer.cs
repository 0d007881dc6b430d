using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Hosting;

/// <summary>
/// On Windows PowerShell 5.1 (.NET Framework) there are no load contexts, and a strong-named reference binds
/// to its exact version unless something redirects it. Shipped assemblies reference each other at versions a
/// little older than the ones shipped (CsvHelper asks for System.Memory 4.0.1.0; 4.0.2.0 is beside it), so
/// the module answers AssemblyResolve for its own folder: any version of a name it ships is the one it ships.
/// On PowerShell 7 the loader's AssemblyLoadContext does this job, and nothing is registered.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string Folder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? string.Empty;

    private static bool IsDesktop => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

    public void OnImport()
    {
        if (IsDesktop)
        {
            AppDomain.CurrentDomain.AssemblyResolve += ResolveShipped;
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        if (IsDesktop)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= ResolveShipped;
        }
    }

    private static Assembly? ResolveShipped(object? sender, ResolveEventArgs args)
    {
        string? name = new AssemblyName(args.Name).Name;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        string path = Path.Combine(Folder, name + ".dll");
        return File.Exists(path) ? Assembly.LoadFrom(path) : null;
    }
}
