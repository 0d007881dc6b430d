using System;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// A run that had sent bodies before it stopped while staging was staged again to resume it, and made a different
/// body: its files, the export's mapping or the batch size changed. Resuming would lose or repeat profiles, so
/// nothing more is sent.
/// </summary>
public sealed class RunSourceChangedException : Exception
{
    public RunSourceChangedException(string runId, int batch, int batchesAccepted)
        : base($"Run {runId} cannot be resumed: it had sent batches before it stopped while staging, and staging its files again made a different batch {batch} (its files or the export's mapping changed since). Nothing more was sent; Constant Contact had accepted {batchesAccepted} of its batches. Start a new run: contacts already imported are updated, not duplicated.")
    {
        RunId = runId;
        Batch = batch;
    }

    public string RunId { get; }

    public int Batch { get; }
}
