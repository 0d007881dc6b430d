using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Hosting;

/// <summary>
/// Runs asynchronous engine work off the pipeline thread while the pipeline thread stays the only one that
/// writes to the host: work posts messages (Verbose, Warning, Progress), and <see cref="Run{T}"/> drains them
/// on the calling (pipeline) thread until the work ends.
/// </summary>
internal sealed class PipelineThreadPump
{
    private readonly BlockingCollection<Action> messages = new();

    /// <summary>Queues an action for the pipeline thread. Safe from any thread.</summary>
    public void Post(Action action)
    {
        if (!messages.IsAddingCompleted)
        {
            messages.Add(action);
        }
    }

    /// <summary>Runs the work on the thread pool and pumps messages here until it completes; rethrows its exception.</summary>
    public T Run<T>(Func<Task<T>> work)
    {
        Task<T> task = Task.Run(work);
        task.ContinueWith(_ => messages.CompleteAdding(), TaskScheduler.Default);
        foreach (Action action in messages.GetConsumingEnumerable())
        {
            action();
        }

        return task.GetAwaiter().GetResult();
    }
}
