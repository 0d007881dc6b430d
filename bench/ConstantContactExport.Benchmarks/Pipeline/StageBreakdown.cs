using System;
using System.Collections.Generic;
using System.Diagnostics;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Benchmarks.Pipeline;

/// <summary>
/// Where the time goes: the file read again and again, each pass doing one more of the pipeline's steps, in the
/// pipeline's order. A step's cost is the difference from the pass before it. 'validate' checks the email alone;
/// 'map' replaces it with ContactBuilder.Build, which validates the email and checks and maps the other fields.
/// Bodies go to a null stream here; the full staging (files, reject report, ledger) is the pipeline figure itself.
/// </summary>
internal static class StageBreakdown
{
    internal enum Step
    {
        Read,
        Segment,
        Validate,
        Map,
        Dedupe,
        Batch,
    }

    /// <summary>One pass alone, <paramref name="runs"/> times, in a fresh process: its time and its peak working set.</summary>
    public static object MeasureAlone(string csvPath, ExportMapping mapping, string stepName, int runs)
    {
        if (!Enum.TryParse(stepName, ignoreCase: true, out Step step))
        {
            throw new ArgumentException($"--step takes one of: {string.Join(", ", Enum.GetNames<Step>()).ToLowerInvariant()}.");
        }

        var seconds = new List<double>();
        long profiles = 0;
        for (int run = 0; run < runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var clock = Stopwatch.StartNew();
            profiles = Pass(csvPath, mapping, step);
            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        using var process = Process.GetCurrentProcess();
        return new
        {
            step = step.ToString().ToLowerInvariant(),
            profiles,
            seconds = Math.Round(PipelineBenchmark.Median(seconds), 3),
            peakWorkingSetMB = Math.Round(process.PeakWorkingSet64 / (1024.0 * 1024), 1),
        };
    }

    public static IReadOnlyList<StepTiming> Measure(string csvPath, ExportMapping mapping, int runs)
    {
        var rows = new List<StepTiming>();
        var medians = new Dictionary<Step, double>();
        double previous = 0;
        foreach (Step step in Enum.GetValues<Step>())
        {
            var seconds = new List<double>();
            long allocated = 0;
            long profiles = 0;
            for (int run = 0; run < runs; run++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                profiles = Pass(csvPath, mapping, step);
                clock.Stop();
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                seconds.Add(clock.Elapsed.TotalSeconds);
            }

            double median = PipelineBenchmark.Median(seconds);
            medians[step] = median;

            // 'map' is measured against 'segment', since it replaces 'validate' rather than adding to it.
            double added = median - (step == Step.Map ? medians[Step.Segment] : previous);
            rows.Add(new StepTiming(
                step.ToString().ToLowerInvariant(),
                Math.Round(median, 3),
                Math.Round(added, 3),
                Math.Round((double)allocated / Math.Max(1, profiles), 1)));
            previous = median;
        }

        return rows;
    }

    internal static long Pass(string csvPath, ExportMapping mapping, Step last)
    {
        var segments = new SegmentMatcher(mapping.Segments);
        var builder = new ContactBuilder(mapping);
        var duplicates = new EmailDeduplicator();
        var contact = new ImportContact();
        var batches = new ImportBatchWriter(SampleExport.ListIds, new NullBatchSink());
        long profiles = 0;
        long kept = 0;
        using (CsvProfileReader reader = CsvProfileReader.Open(csvPath, mapping.SourceFields, new[] { mapping.EmailField }))
        {
            var record = new ProfileRecord(mapping.SourceFields.Count);
            while (reader.Read(record))
            {
                profiles++;
                if (last == Step.Read || record.ReadIssue is not null || !segments.IsMember(record.Values[mapping.SegmentIndex]))
                {
                    continue;
                }

                if (last == Step.Segment)
                {
                    kept++;
                    continue;
                }

                if (last == Step.Validate)
                {
                    kept += EmailAddressValidator.Validate(record.Values[mapping.EmailIndex].Text).IsValid ? 1 : 0;
                    continue;
                }

                if (builder.Build(record.Values, out string? email, contact) is not null || last == Step.Map)
                {
                    continue;
                }

                if (!duplicates.Add(email!) || last == Step.Dedupe)
                {
                    continue;
                }

                batches.Add(contact);
            }
        }

        batches.Complete();
        GC.KeepAlive(kept);
        return profiles;
    }
}

/// <summary>One pass of the breakdown: its median time, the time its step added, and what it allocated a profile.</summary>
internal sealed record StepTiming(string Step, double Seconds, double AddedSeconds, double AllocatedBytesPerProfile);
