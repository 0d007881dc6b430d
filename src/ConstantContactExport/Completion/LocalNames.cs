using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Completion;

/// <summary>Names of the JSON files in one of the storage folders: the saved exports' or connections' names.</summary>
internal static class LocalNames
{
    public static IReadOnlyList<string> In(string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return Array.Empty<string>();
            }

            return Directory.EnumerateFiles(folder, "*.json")
                .Select(Path.GetFileNameWithoutExtension)
                .Where(n => SafeName.Problem(n) is null)
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .ToList()!;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Tab must never fail: an unreadable folder completes nothing.
            return Array.Empty<string>();
        }
    }
}
