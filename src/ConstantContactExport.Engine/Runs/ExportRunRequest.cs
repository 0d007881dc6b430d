using System.Collections.Generic;
using ConstantContactExport.Engine.Exports;

namespace ConstantContactExport.Engine.Runs;

/// <summary>What one invocation asks of a run: the export and the parameters that shape the run.</summary>
public sealed class ExportRunRequest
{
    public ExportRunRequest(ExportDefinition definition)
    {
        Definition = definition;
    }

    public ExportDefinition Definition { get; }

    /// <summary>Invoke-CCExport -Segment: the segments of the whole input, or null to read each profile's segment field.</summary>
    public IReadOnlyList<string>? InputSegments { get; init; }

    /// <summary>Where the reject report goes (a full path), or null for rejects.csv in the run's folder.</summary>
    public string? RejectPath { get; init; }

    /// <summary>-Encoding as given (utf8, latin1, 1252...), or null.</summary>
    public string? Encoding { get; init; }

    /// <summary>-Delimiter, or null to sniff each file's.</summary>
    public char? Delimiter { get; init; }

    /// <summary>-Header: the column names of files that have no header row, or null.</summary>
    public IReadOnlyList<string>? Header { get; init; }

    /// <summary>-MaxRejectPercent, overriding the export's, or null.</summary>
    public int? MaxRejectPercent { get; init; }

    /// <summary>-NoWait: return once every batch is submitted.</summary>
    public bool NoWait { get; init; }

    /// <summary>True when the caller would ask or stop before sending (-WhatIf, -Confirm): the run then stages everything first.</summary>
    public bool WouldAskBeforeSending { get; init; }

    /// <summary>True to hand each rejected profile to <see cref="IExportRunObserver.Rejected"/> (-ErrorPerReject).</summary>
    public bool ReportEachReject { get; init; }

    /// <summary>-Full: send every profile, whatever the export's sync state says (the state is still updated).</summary>
    public bool Full { get; init; }

    /// <summary>-Force: removals past the export's MaxRemovePercent are made all the same (a resume with -Force too).</summary>
    public bool Force { get; init; }

    /// <summary>Who runs it, for the manifest.</summary>
    public string? StartedBy { get; init; }
}
