using System;
using System.Collections.Generic;
using System.IO;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Exports;

/// <summary>
/// Removes an export with everything kept for it: its runs (journals, ledgers, staged bodies, default reject reports),
/// its per-export state, and its definition, under its lock so that no run of it is going on meanwhile.
/// </summary>
public static class ExportRemoval
{
    /// <summary>
    /// Folders of state an export keeps besides its runs: the one place that says what else goes with an export. Its
    /// folder under exports/ holds the sync state (what it last delivered, <see cref="SyncStateLocation"/>).
    /// </summary>
    public static IReadOnlyList<string> StateFolders(StoragePaths paths, string exportName) => new[] { SyncStateLocation.FolderOf(paths, exportName) };

    /// <summary>Removes the export's runs, state and definition; returns how many runs were deleted.</summary>
    /// <exception cref="ExportRunningException">A run of the export is going on.</exception>
    public static int Remove(StoragePaths paths, string exportName, TimeProvider time)
    {
        using IDisposable exportLock = RunRetention.LockExport(paths, exportName);
        var retention = new RunRetention(paths, time);
        int runs = 0;
        foreach (StoredRun run in retention.Runs(exportName))
        {
            retention.Delete(run);
            runs++;
        }

        // Another export whose name lower-cases alike (made by hand or before such names were refused) shares the
        // folder: its sync state is left to it.
        bool shared = new ExportDefinitionStore(paths).SharingFiles(exportName) is not null;
        foreach (string folder in StateFolders(paths, exportName))
        {
            if (!shared && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        new ExportDefinitionStore(paths).Remove(exportName);
        return runs;
    }
}
