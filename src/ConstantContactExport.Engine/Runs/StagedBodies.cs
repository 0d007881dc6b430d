using System;
using System.IO;
using System.Linq;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Staging;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// Deletes a run's staged import bodies (batches/batch-NNNNN.json: names and addresses) as soon as the run no longer
/// needs them, always after the journal line that makes them unneeded is on disk, so that a process killed between
/// the two leaves a body too many, never one too few:
/// <list type="bullet">
/// <item>a body whose import Constant Contact accepted (journaled Submitted with its activity id) is never sent
/// again, once the run is staged; before that a body sent while staging stays until Staged, as the staging checks
/// the fingerprints of the bodies it sent;</item>
/// <item>a run that ended for good (Completed, CompletedWithErrors, Failed, WhatIf) needs none of them;</item>
/// <item>a Stopped run keeps the bodies not yet accepted, for -Resume; a run stopped before it was staged keeps
/// what it staged until -Resume stages its files again.</item>
/// </list>
/// </summary>
public static class StagedBodies
{
    /// <summary>Deletes what the run stopped needing with <paramref name="entry"/>, just journaled and applied to <paramref name="status"/>.</summary>
    public static void AfterRecorded(string runFolder, JournalEntry entry, RunStatus status)
    {
        string folder = Path.Combine(runFolder, ExportStaging.BatchFolderName);
        switch (entry.Type)
        {
            case JournalEntryType.Submitted when status.IsStaged:
                Delete(Path.Combine(folder, DirectoryBatchSink.FileName(entry.Batch!.Value)));
                break;
            case JournalEntryType.Staged:
                // Bodies sent while the run staged wait for this line.
                foreach (int batch in Enumerable.Range(1, status.BatchCount).Where(b => status.ActivityOf(b) is not null))
                {
                    Delete(Path.Combine(folder, DirectoryBatchSink.FileName(batch)));
                }

                break;
            case JournalEntryType.State when IsFinal(entry.State):
                DeleteAll(runFolder);
                break;
        }
    }

    /// <summary>True for a state after which the run never sends again.</summary>
    public static bool IsFinal(RunState? state) => state is RunState.Completed or RunState.CompletedWithErrors or RunState.Failed or RunState.WhatIf;

    /// <summary>Deletes every body of a run, and the folder that held them.</summary>
    public static void DeleteAll(string runFolder)
    {
        string folder = Path.Combine(runFolder, ExportStaging.BatchFolderName);
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Still open elsewhere (Windows): what is left goes when the run folder is pruned.
        }
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // As above: the run's end or its pruning takes it.
        }
    }
}
