using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>Invoke-CCExport's records: paths resolved through the session, runners started, results and errors written.</summary>
public sealed partial class InvokeCCExportCommand
{
    // Get-CCExport | Invoke-CCExport: every export runs; the failures are written once all have run.
    private readonly List<ErrorRecord> failures = new();
    private int attempted;

    /// <summary>Runs one step; its failure is this invocation's terminating error.</summary>
    private void Guard(Action step) => Guard(static s => s(), step);

    /// <summary>Runs one step on <paramref name="state"/> (no closure to allocate); its failure is this invocation's terminating error.</summary>
    private void Guard<T>(Action<T> step, T state)
    {
        try
        {
            step(state);
        }
        catch (CommandFailure failure)
        {
            this.Fail(failure.Record);
        }
        catch (ExportRunException ex)
        {
            this.Fail(RecordOf(ex, Name));
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            // Ctrl+C: the run journaled Stopped (or is left Staging); -Resume continues it.
            throw new PipelineStoppedException();
        }
    }

    private void RunPipedExport(string name)
    {
        attempted++;
        try
        {
            (ExportDefinition source, ConnectionSession connection) = LoadDefinition(name);
            RunSourcePath(source, connection);
        }
        catch (CommandFailure failure)
        {
            failures.Add(failure.Record);
        }
        catch (ExportRunException ex)
        {
            failures.Add(RecordOf(ex, name));
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>One failed export: its own terminating error. Several: each written, then one terminating error naming them all.</summary>
    private void WriteCollectedFailures()
    {
        if (failures.Count == 1)
        {
            this.Fail(failures[0]);
        }

        if (failures.Count == 0)
        {
            return;
        }

        // Under -ErrorAction Stop the first written error would end the statement: the summary carries them all instead.
        if (!this.ErrorActionIsStop())
        {
            failures.ForEach(WriteError);
        }

        string each = string.Join("; ", failures.Select(f => $"{f.TargetObject}: {f.FullyQualifiedErrorId.Split(',')[0]} ({f.Exception.Message})"));
        string others = failures.Count == attempted ? $"All {attempted} exports failed." : $"{failures.Count} of {attempted} exports failed; the others ran.";

        // Not an AggregateException: its Message appends every inner message again.
        this.Fail(new ErrorRecord(
            new InvalidOperationException($"{others} {each}"),
            "ExportsFailed", ErrorCategory.InvalidResult, failures.Select(f => f.TargetObject).ToArray()));
    }

    private (ExportDefinition, ConnectionSession) LoadDefinition(string name)
    {
        ExportDefinition? found;
        try
        {
            var store = new ExportDefinitionStore(paths);
            found = store.Get(name);
            if (found is not null)
            {
                store.CheckNotShared(found.Name);
            }
        }
        catch (ExportDefinitionException ex)
        {
            throw new CommandFailure(ex, "ExportDefinitionInvalid", ErrorCategory.InvalidData, ex.Path);
        }
        catch (ArgumentException ex)
        {
            throw new CommandFailure(ex, "ExportNameInvalid", ErrorCategory.InvalidArgument, name);
        }

        if (found is null)
        {
            throw new CommandFailure(
                new ItemNotFoundException($"There is no export named '{name}'. Get-CCExport lists the exports; Set-CCExport creates one."),
                "ExportNotFound", ErrorCategory.ObjectNotFound, name);
        }

        return (found, ExportConnections.SessionForExport(found.Connection, paths));
    }

    private void RunSourcePath(ExportDefinition source, ConnectionSession connection)
    {
        if (source.SourcePath.Count == 0)
        {
            throw new CommandFailure(
                new ArgumentException($"The export '{source.Name}' has no -SourcePath, and no profiles were given. Pipe profiles in, give -Path, or set the export's -SourcePath for unattended runs."),
                "NoInput", ErrorCategory.InvalidArgument, source.Name);
        }

        RunFiles(source, connection, ResolvePaths(source.SourcePath.ToArray(), literal: false), source.Name);
    }

    /// <summary>A whole run of CSV files, from its lock to its result; the run is let go however it ends.</summary>
    private void RunFiles(ExportDefinition source, ConnectionSession connection, IReadOnlyList<string> files, object? given)
    {
        if (files.Count == 0)
        {
            throw new CommandFailure(
                new FileNotFoundException($"No CSV file matches {(given is string name && name == source.Name ? $"the export's -SourcePath ({string.Join(", ", source.SourcePath)})" : "the path given")}. Nothing was run."),
                "NoInputFiles", ErrorCategory.ObjectNotFound, given);
        }

        using ExportRunner runner = NewRunner(source, connection);
        Report(runner.RunFiles(files, StopToken));
    }

    private void ResumeRun()
    {
        (ExportDefinition resumed, ConnectionSession connection) = LoadDefinition(Name!);
        using ExportRunner runner = NewRunner(resumed, connection);
        Report(runner.Resume(RunId, StopToken));
    }

    private ExportRunner NewRunner(ExportDefinition source, ConnectionSession connection)
    {
        var request = new ExportRunRequest(source)
        {
            InputSegments = Segment,
            RejectPath = RejectPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(RejectPath),
            Encoding = Encoding,
            Delimiter = Delimiter,
            Header = Header,
            MaxRejectPercent = (int?)MaxRejectPercent,
            NoWait = NoWait,
            Full = Full,
            Force = Force,
            WouldAskBeforeSending = WouldAskBeforeSending(),
            ReportEachReject = ErrorPerReject,
            StartedBy = UserIdentity.Current,
        };
        return new ExportRunner(paths, request, new RunRecordWriter(this, source.Name), log => ExportConnections.OpenApi(connection, log, forRun: true), TimeProvider.System);
    }

    /// <summary>Writes the run object; a run that failed or stopped is a terminating error (collected when several exports run).</summary>
    private void Report(ExportRunResult result)
    {
        CCExportRun run = CCExportRun.From(result.Status);
        WriteObject(run);
        if (result.Failure is { } failure)
        {
            throw new CommandFailure(new ErrorRecord(new InvalidOperationException(failure.Message), failure.ErrorId, CategoryOf(failure.Kind), run));
        }
    }

    private static ErrorRecord RecordOf(ExportRunException ex, object? target) => new(ex, ex.ErrorId, CategoryOf(ex.Kind), target);

    private static ErrorCategory CategoryOf(RunErrorKind kind) => (ErrorCategory)Enum.Parse(typeof(ErrorCategory), kind.ToString());

    private List<string> ResolvePaths(string[] patterns, bool literal)
    {
        var files = new List<string>();
        foreach (string pattern in patterns)
        {
            try
            {
                if (literal)
                {
                    string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(pattern);
                    if (!File.Exists(path))
                    {
                        throw new ItemNotFoundException($"Cannot find the file '{path}'.");
                    }

                    files.Add(path);
                }
                else
                {
                    files.AddRange(SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out ProviderInfo provider).Where(File.Exists));
                }
            }
            catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                WriteError(new ErrorRecord(ex, "InputFileNotFound", ErrorCategory.ObjectNotFound, pattern));
            }
        }

        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>True when ShouldProcess would stop or ask before sending (-WhatIf, -Confirm, or the preference variables).</summary>
    private bool WouldAskBeforeSending()
    {
        var bound = MyInvocation.BoundParameters;
        bool whatIf = bound.TryGetValue("WhatIf", out object? w)
            ? ((SwitchParameter)w).IsPresent
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        if (whatIf)
        {
            return true;
        }

        if (bound.TryGetValue("Confirm", out object? c))
        {
            return ((SwitchParameter)c).IsPresent;
        }

        object? preference = SessionState.PSVariable.GetValue("ConfirmPreference");
        if (preference is null)
        {
            return false;
        }

        // An odd value: let ShouldProcess decide, after staging, as it would for any run.
        return !LanguagePrimitives.TryConvertTo(preference, out ConfirmImpact threshold) || (threshold != ConfirmImpact.None && threshold <= ConfirmImpact.Medium);
    }
}
