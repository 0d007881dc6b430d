using System;

namespace ConstantContactExport.Engine.Exports;

/// <summary>What kind of problem an export's setup has, so that the cmdlet picks the error category.</summary>
public enum ExportSetupProblem
{
    InvalidArgument,
    NotFound,
    Conflict,

    /// <summary>The definition is fine on its own but not beside another one (two -RemoveMissing exports on one list).</summary>
    InvalidOperation,
}

/// <summary>
/// A definition that cannot be saved as asked: a missing or malformed value, a list or custom field the account
/// does not have. Carries the stable ErrorId the cmdlet reports and what the problem is about.
/// </summary>
public sealed class ExportSetupException : Exception
{
    public ExportSetupException(string errorId, ExportSetupProblem problem, string message, object? target, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Problem = problem;
        Target = target;
    }

    public string ErrorId { get; }

    public ExportSetupProblem Problem { get; }

    public object? Target { get; }
}
