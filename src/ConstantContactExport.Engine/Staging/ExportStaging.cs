using System;
using System.Collections.Generic;
using System.IO;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Staging;

/// <summary>
/// Stages a run: profiles in, ready-to-send import bodies (<c>batches/batch-00001.json</c>...) and a reject
/// report out, in a run folder, with the ledger. Nothing here touches the network.
/// </summary>
public sealed class ExportStaging : IDisposable
{
    public const string BatchFolderName = "batches";
    public const string RejectFileName = "rejects.csv";

    /// <summary>Input read before the rest of it is estimated (<see cref="NoteBytesRead"/>): some 12,000 rows of a typical file.</summary>
    public const long SizingSampleBytes = 1 << 20;

    private readonly RejectReportWriter rejects;
    private readonly ImportBatchWriter batches;
    private readonly DirectoryBatchSink sink;
    private Action<ImportBatch>? batchCompleted;
    private bool completed;
    private bool sized;

    /// <param name="mapping">The export's mapping and segments.</param>
    /// <param name="listIds">The run's lists (1 to 50): every contact goes to all of them, or, with <paramref name="listMap"/>, to those of its segments.</param>
    /// <param name="runFolder">The run's folder; created if need be.</param>
    /// <param name="inputSegments">The segments of the whole input, or null to read each profile's segment property.</param>
    /// <param name="rejectPath">Where the reject report goes; by default rejects.csv in the run folder.</param>
    /// <param name="limits">Body bounds; Constant Contact's by default.</param>
    /// <param name="sync">Decides Unchanged and writes each body's keys beside it (see <see cref="SyncStaging"/>); null for none.</param>
    /// <param name="listMap">Per-segment lists (Set-CCExport -ListMap), each list one of <paramref name="listIds"/>; null for none.</param>
    public ExportStaging(
        ExportMapping mapping,
        IReadOnlyList<string> listIds,
        string runFolder,
        IReadOnlyList<string>? inputSegments = null,
        string? rejectPath = null,
        ImportBatchLimits? limits = null,
        SyncStaging? sync = null,
        IReadOnlyList<Exports.ListMapEntry>? listMap = null)
    {
        Mapping = mapping ?? throw new ArgumentNullException(nameof(mapping));
        RunFolder = runFolder;
        PrivateFiles.CreateFolder(runFolder);
        RejectPath = rejectPath ?? Path.Combine(runFolder, RejectFileName);
        sink = new DirectoryBatchSink(Path.Combine(runFolder, BatchFolderName));
        batches = new ImportBatchWriter(listIds, sink, limits);
        rejects = new RejectReportWriter(RejectPath);

        // A body's keys are on disk before the body is handed on (to the sender, while staging).
        sink.Completed = batch =>
        {
            sync?.BatchCompleted(batch);
            batchCompleted?.Invoke(batch);
        };
        Pipeline = new ProfilePipeline(mapping, inputSegments, batches, rejects, sync, RunLists.BySegment(listIds, listMap));
    }

    public ExportMapping Mapping { get; }

    public string RunFolder { get; }

    public string RejectPath { get; }

    public ProfilePipeline Pipeline { get; }

    public ExportLedger Ledger => Pipeline.Ledger;

    /// <summary>Calls <paramref name="completed"/> with each body as soon as its file is whole, while staging goes on.</summary>
    public void OnBatchCompleted(Action<ImportBatch> completed) => batchCompleted = completed;

    /// <summary>A record sized for this export's source fields (one can serve a whole input).</summary>
    public ProfileRecord NewRecord() => new(Mapping.SourceFields.Count);

    /// <inheritdoc cref="ProfilePipeline.Add"/>
    public ProfileOutcome Add(ProfileRecord record, out ProfileIssue? issue) => Pipeline.Add(record, out issue);

    /// <summary>
    /// Says how far through its input the staging is, for input of a known size (CSV files): once
    /// <see cref="SizingSampleBytes"/> have been read, the profiles still to come are estimated from the bytes a
    /// profile so far, and the duplicate check makes room for them in one step (<see cref="ProfilePipeline.ExpectMore"/>).
    /// Cheap enough to call after every profile.
    /// </summary>
    /// <param name="bytesRead">Bytes of the input read so far (all files).</param>
    /// <param name="totalBytes">Bytes of the whole input.</param>
    public void NoteBytesRead(long bytesRead, long totalBytes)
    {
        if (sized || bytesRead < SizingSampleBytes)
        {
            return;
        }

        sized = true;
        long profiles = Ledger.InputCount;
        if (profiles > 0 && totalBytes > bytesRead)
        {
            Pipeline.ExpectMore((long)((totalBytes - bytesRead) / ((double)bytesRead / profiles)));
        }
    }

    /// <summary>Closes the last body and the reject report; returns what was staged.</summary>
    public StagingResult Complete()
    {
        if (!completed)
        {
            Pipeline.Complete();
            rejects.Dispose();
            completed = true;
        }

        var files = new List<StagedBatch>(batches.Batches.Count);
        foreach (ImportBatch batch in batches.Batches)
        {
            files.Add(new StagedBatch(batch, sink.PathOf(batch.Number)));
        }

        return new StagingResult(Ledger, files, RejectPath, rejects.Count);
    }

    public void Dispose()
    {
        if (!completed)
        {
            rejects.Dispose();
        }
    }
}

/// <summary>A body on disk.</summary>
public sealed record StagedBatch(ImportBatch Batch, string Path);

/// <summary>What staging produced.</summary>
public sealed record StagingResult(ExportLedger Ledger, IReadOnlyList<StagedBatch> Batches, string RejectPath, long RejectCount);
