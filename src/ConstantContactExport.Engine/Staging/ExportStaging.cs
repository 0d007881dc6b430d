using System;
using System.Collections.Generic;
using System.IO;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Engine.Staging;

/// <summary>
/// Stages a run: profiles in, ready-to-send import bodies (<c>batches/batch-00001.json</c>...) and a reject
/// report out, in a run folder, with the ledger. Nothing here touches the network.
/// </summary>
public sealed class ExportStaging : IDisposable
{
    public const string BatchFolderName = "batches";
    public const string RejectFileName = "rejects.csv";

    private readonly RejectReportWriter rejects;
    private readonly ImportBatchWriter batches;
    private readonly DirectoryBatchSink sink;
    private bool completed;

    /// <param name="mapping">The export's mapping and segments.</param>
    /// <param name="listIds">The lists every contact goes to (1 to 50).</param>
    /// <param name="runFolder">The run's folder; created if need be.</param>
    /// <param name="inputSegments">The segments of the whole input, or null to read each profile's segment property.</param>
    /// <param name="rejectPath">Where the reject report goes; by default rejects.csv in the run folder.</param>
    /// <param name="limits">Body bounds; Constant Contact's by default.</param>
    public ExportStaging(
        ExportMapping mapping,
        IReadOnlyList<string> listIds,
        string runFolder,
        IReadOnlyList<string>? inputSegments = null,
        string? rejectPath = null,
        ImportBatchLimits? limits = null)
    {
        Mapping = mapping ?? throw new ArgumentNullException(nameof(mapping));
        RunFolder = runFolder;
        Directory.CreateDirectory(runFolder);
        RejectPath = rejectPath ?? Path.Combine(runFolder, RejectFileName);
        sink = new DirectoryBatchSink(Path.Combine(runFolder, BatchFolderName));
        batches = new ImportBatchWriter(listIds, sink, limits);
        rejects = new RejectReportWriter(RejectPath);
        Pipeline = new ProfilePipeline(mapping, inputSegments, batches, rejects);
    }

    public ExportMapping Mapping { get; }

    public string RunFolder { get; }

    public string RejectPath { get; }

    public ProfilePipeline Pipeline { get; }

    public ExportLedger Ledger => Pipeline.Ledger;

    /// <summary>A record sized for this export's source fields (one can serve a whole input).</summary>
    public ProfileRecord NewRecord() => new(Mapping.SourceFields.Count);

    /// <inheritdoc cref="ProfilePipeline.Add"/>
    public ProfileOutcome Add(ProfileRecord record, out ProfileIssue? issue) => Pipeline.Add(record, out issue);

    /// <inheritdoc cref="ProfilePipeline.ExpectMore"/>
    public void ExpectMore(long profiles) => Pipeline.ExpectMore(profiles);

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
