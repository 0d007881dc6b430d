using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Hosting;

/// <summary>
/// A cmdlet that awaits network work without breaking PowerShell's rule that Write*, ShouldProcess and
/// prompts happen on the pipeline thread only: <see cref="Run{T}"/> starts the work on the thread pool and,
/// until it ends, runs on the pipeline thread whatever the work <see cref="Post"/>s (log lines, prompts to
/// show). Ctrl+C (StopProcessing) cancels <see cref="StopToken"/>.
/// </summary>
public abstract class AsyncPSCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private BlockingCollection<Action>? queue;
    private Thread? pipelineThread;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => stopping.Token;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the cmdlet holds; PowerShell calls Dispose when the pipeline ends, however it ends.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            stopping.Dispose();
        }
    }

    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>Runs <paramref name="work"/> to the end, pumping posted actions on this (the pipeline) thread meanwhile.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work) => AwaitWork(StartWork(work));

    /// <summary>
    /// Starts <paramref name="work"/> on the thread pool and returns at once, for a cmdlet that has its own work to do on
    /// the pipeline thread meanwhile: it calls <see cref="DrainPosted"/> now and then, and <see cref="AwaitWork{T}"/> at
    /// the end (always, even when its own work fails).
    /// </summary>
    protected Task<T> StartWork<T>(Func<CancellationToken, Task<T>> work)
    {
        var pending = new BlockingCollection<Action>();
        pipelineThread = Thread.CurrentThread;
        queue = pending;
        Task<T> task = Task.Run(() => work(stopping.Token));
        task.ContinueWith(_ => pending.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>Runs what the work has posted so far, without waiting for more (pipeline thread only).</summary>
    protected void DrainPosted()
    {
        BlockingCollection<Action>? pending = queue;
        while (pending is not null && pending.TryTake(out Action? action))
        {
            action();
        }
    }

    /// <summary>Pumps posted actions until the work started by <see cref="StartWork{T}"/> ends; returns its result.</summary>
    protected T AwaitWork<T>(Task<T> task)
    {
        BlockingCollection<Action> pending = queue ?? throw new InvalidOperationException("No work was started.");
        try
        {
            Exception? failure = null;
            foreach (Action action in pending.GetConsumingEnumerable())
            {
                if (failure is not null)
                {
                    continue;
                }

                try
                {
                    action();
                }
                catch (Exception ex)
                {
                    // A Write* that throws (the pipeline is stopping): stop the work, let it wind down, report.
                    failure = ex;
                    stopping.Cancel();
                }
            }

            if (failure is not null)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
        finally
        {
            queue = null;
            pending.Dispose();
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void Run(Func<CancellationToken, Task> work) =>
        Run<bool>(async cancellationToken =>
        {
            await work(cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// <see cref="Run{T}"/> for a cmdlet whose work ends with the command: whatever the work fails with becomes a
    /// terminating error with a stable ErrorId and category (<see cref="ErrorRecords"/>, or a <see cref="CommandFailure"/>'s record).
    /// </summary>
    protected T RunOrFail<T>(Func<CancellationToken, Task<T>> work, object? target, string fallbackErrorId)
    {
        try
        {
            return Run(work);
        }
        catch (CommandFailure failure)
        {
            this.Fail(failure.Record);
            throw;
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not RuntimeException)
        {
            this.Fail(ErrorRecords.From(ex, target, fallbackErrorId));
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> on the pipeline thread: queued while <see cref="Run{T}"/> pumps, else at once.</summary>
    protected void Post(Action action)
    {
        BlockingCollection<Action>? pending = queue;
        if (pending is null)
        {
            // Outside Run only the pipeline thread may write; a late message from elsewhere has nowhere to go.
            if (pipelineThread is null || pipelineThread == Thread.CurrentThread)
            {
                action();
            }

            return;
        }

        try
        {
            pending.Add(action);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // The work has ended (or the queue is gone): nobody is left to show this.
        }
    }

    /// <summary>A Verbose line from any thread.</summary>
    protected void LogVerbose(string message) => Post(() => WriteVerbose(message));

    /// <summary>What Write-Host does: shown on the host's console and recorded in the Information stream.</summary>
    protected void WriteHostInformation(string message) =>
        WriteInformation(new InformationRecord(new HostInformationMessage { Message = message }, MyInvocation.MyCommand.Name) { Tags = { "PSHOST" } });
}
