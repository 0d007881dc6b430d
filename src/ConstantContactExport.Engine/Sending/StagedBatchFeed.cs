using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Import;

namespace ConstantContactExport.Engine.Sending;

/// <summary>
/// Hands bodies from the staging (the pipeline thread) to the sender (a task) as each one is finished on disk, so
/// that the first imports go out while the rest of the input is still being read. The staging adds and then
/// completes it, whatever happens; the sender takes until it is complete and empty.
/// </summary>
public sealed class StagedBatchFeed
{
    private readonly ConcurrentQueue<ImportBatch> ready = new();
    private readonly SemaphoreSlim signal = new(0);
    private volatile bool completed;

    /// <summary>A body is whole on disk.</summary>
    public void Add(ImportBatch batch)
    {
        ready.Enqueue(batch);
        signal.Release();
    }

    /// <summary>No more bodies will come (staging ended, or stopped).</summary>
    public void Complete()
    {
        completed = true;
        signal.Release();
    }

    /// <summary>The next body, or null once the feed is complete and every body was taken.</summary>
    public async Task<ImportBatch?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (ready.TryDequeue(out ImportBatch? batch))
            {
                return batch;
            }

            if (completed)
            {
                // Complete follows the last Add, so a body added before it is in the queue by now.
                return ready.TryDequeue(out batch) ? batch : null;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
