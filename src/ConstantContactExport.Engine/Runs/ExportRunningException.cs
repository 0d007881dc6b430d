using System;

namespace ConstantContactExport.Engine.Runs;

/// <summary>Another run of the same export holds its lock: two runs of one export never overlap.</summary>
public sealed class ExportRunningException : Exception
{
    public ExportRunningException(string exportName)
        : base($"The export '{exportName}' is already running (in this or another process). Two runs of one export never overlap; wait for it to finish, or continue a stopped run with -Resume.")
    {
        ExportName = exportName;
    }

    public string ExportName { get; }
}
