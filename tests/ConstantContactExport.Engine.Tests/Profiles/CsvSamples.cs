using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace ConstantContactExport.Engine.Tests.Profiles;

/// <summary>Finds shared/data/csv-samples, which lives beside the repository (CI clones it there too).</summary>
internal static class CsvSamples
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Folder => Root.Value;

    public static string PathOf(string relative) => Path.Combine(Folder, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string Find() => Find(null);

    private static string Find(string? unused, [CallerFilePath] string sourceFile = "")
    {
        // The test's base directory first; builds with CCE_ARTIFACTS put it outside the tree, so then the folder this
        // source file was compiled from, then the current directory.
        foreach (string? start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile), Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ConstantContactExport.sln")))
                {
                    string samples = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "csv-samples"));
                    if (Directory.Exists(samples))
                    {
                        return samples;
                    }
                }
            }
        }

        throw new InvalidOperationException("Cannot find shared/data/csv-samples beside the folder holding ConstantContactExport.sln.");
    }
}
