using System;
using System.IO;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Tests.TestDoubles;

/// <summary>A CC_EXPORT_HOME of a test's own, deleted afterwards.</summary>
internal sealed class TempHome : IDisposable
{
    public TempHome()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cce-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Paths = new StoragePaths(Path);
    }

    public string Path { get; }

    public StoragePaths Paths { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
