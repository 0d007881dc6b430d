using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>A CSV file that cannot be read at all. The message names the file (and the columns concerned).</summary>
public sealed class CsvSourceException : Exception
{
    public CsvSourceException(string sourceName, CsvSourceProblem problem, string message, Exception? innerException = null, IReadOnlyList<string>? columns = null)
        : base(message, innerException)
    {
        SourceName = sourceName;
        Problem = problem;
        Columns = columns ?? Array.Empty<string>();
    }

    /// <summary>The file (path as given, or the name given with a stream).</summary>
    public string SourceName { get; }

    public CsvSourceProblem Problem { get; }

    /// <summary>The columns concerned: the missing ones (MissingColumns) or the repeated one (DuplicateColumn); otherwise empty.</summary>
    public IReadOnlyList<string> Columns { get; }
}
