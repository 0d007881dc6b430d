using System;
using System.Management.Automation;

namespace ConstantContactExport.Hosting;

/// <summary>
/// A failure found off the pipeline thread, carrying the error record the cmdlet will throw on it
/// (ThrowTerminatingError belongs to the pipeline thread).
/// </summary>
internal sealed class CommandFailure : Exception
{
    public CommandFailure(Exception exception, string errorId, ErrorCategory category, object? target)
        : base(exception.Message, exception)
    {
        Record = new ErrorRecord(exception, errorId, category, target);
    }

    public CommandFailure(ErrorRecord record)
        : base(record.Exception.Message, record.Exception)
    {
        Record = record;
    }

    public ErrorRecord Record { get; }
}
