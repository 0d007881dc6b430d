using System;

namespace ConstantContactExport.Engine.Runs;

/// <summary>How a run ended: its status (the ledger and state, as journaled) and, for a run that ended Failed or Stopped, why.</summary>
public sealed record ExportRunResult(RunStatus Status, RunFailure? Failure);

/// <summary>Why a run failed: a stable ErrorId, the kind of error, and a sentence.</summary>
public sealed record RunFailure(string ErrorId, RunErrorKind Kind, string Message);

/// <summary>The kinds of run errors; the cmdlet turns them into ErrorCategory values of the same names.</summary>
public enum RunErrorKind
{
    InvalidArgument,
    InvalidData,
    InvalidResult,
    LimitsExceeded,
    ObjectNotFound,
    ReadError,
    ResourceBusy,
    InvalidOperation,
    ResourceExists,
    SecurityError,
}

/// <summary>A run refused before it exists (a parameter value, the environment, the export is busy): nothing was created.</summary>
public sealed class ExportRunException : Exception
{
    public ExportRunException(string errorId, RunErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    public string ErrorId { get; }

    public RunErrorKind Kind { get; }
}
