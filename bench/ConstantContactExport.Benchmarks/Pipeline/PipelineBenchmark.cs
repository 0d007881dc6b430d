using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Staging;

namespace ConstantContactExport.Benchmarks.Pipeline;

/// <summary>
/// Stages a CSV file through <see cref="ExportStaging"/> as Invoke-CCExport -Path does (read, segment, validate, map,
/// dedupe, batch files and reject report in a run folder), times it, and prints one JSON line. Run it in a fresh
/// process for each file: the peak working set is the process's.
/// </summary>
internal static class PipelineBenchmark
{
    private const double MiB = 1024 * 1024;

    public static int Run(PipelineOptions options)
    {
        ExportMapping mapping = SampleExport.Mapping();
        if (options.Step is not null)
        {
            Console.WriteLine(JsonSerializer.Serialize(StageBreakdown.MeasureAlone(options.CsvPath, mapping, options.Step, options.Runs)));
            return 0;
        }

        var seconds = new List<double>();
        var peaks = new List<long>();
        StagingResult? last = null;
        long allocated = 0;
        long heapAfter = 0;
        int gen2 = 0;
        using var process = Process.GetCurrentProcess();

        for (int run = 0; run < options.Runs; run++)
        {
            string folder = Path.Combine(options.WorkFolder, "cce-bench-run-" + Guid.NewGuid().ToString("N"));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            int gen2Before = GC.CollectionCount(2);
            var clock = Stopwatch.StartNew();
            try
            {
                last = Stage(options.CsvPath, mapping, folder);
                clock.Stop();
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                gen2 = GC.CollectionCount(2) - gen2Before;
            }
            finally
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }

            seconds.Add(clock.Elapsed.TotalSeconds);
            heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            process.Refresh();
            peaks.Add(process.PeakWorkingSet64);
        }

        StagingResult result = last!;
        LedgerCounts ledger = LedgerCounts.Of(result.Ledger);
        var problems = new List<string>();
        long batchContacts = result.Batches.Sum(b => (long)b.Batch.ContactCount);
        if (batchContacts != ledger.SubmittedCount)
        {
            problems.Add($"the bodies hold {batchContacts} contacts but {ledger.SubmittedCount} were submitted");
        }

        if (result.RejectCount != ledger.InvalidCount)
        {
            problems.Add($"the reject report has {result.RejectCount} rows but {ledger.InvalidCount} profiles were invalid");
        }

        bool? ledgerOk = null;
        LedgerCounts? expected = null;
        if (options.ExpectJson is not null)
        {
            expected = LedgerCounts.Parse(options.ExpectJson);
            ledgerOk = expected == ledger;
            if (ledgerOk == false)
            {
                problems.Add($"the ledger is {ledger} but the generator said {expected}");
            }
        }

        double median = Median(seconds);
        var line = new Dictionary<string, object?>
        {
            ["file"] = Path.GetFileName(options.CsvPath),
            ["profiles"] = ledger.InputCount,
            ["seconds"] = Math.Round(median, 3),
            ["runSeconds"] = seconds.Select(s => Math.Round(s, 3)).ToArray(),
            ["profilesPerSecond"] = Math.Round(ledger.InputCount / median),
            ["peakWorkingSetMB"] = Math.Round(peaks[^1] / MiB, 1),
            ["peakWorkingSetAfterFirstRunMB"] = Math.Round(peaks[0] / MiB, 1),
            ["managedHeapAfterMB"] = Math.Round(heapAfter / MiB, 1),
            ["allocatedBytesPerProfile"] = Math.Round((double)allocated / Math.Max(1, ledger.InputCount), 1),
            ["gen2Collections"] = gen2,
            ["batches"] = result.Batches.Count,
            ["rejects"] = result.RejectCount,
            ["ledger"] = ledger,
            ["expected"] = expected,
            ["ledgerOk"] = ledgerOk,
            ["problems"] = problems,
            ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            ["serverGC"] = System.Runtime.GCSettings.IsServerGC,
        };

        if (options.Breakdown)
        {
            line["breakdown"] = StageBreakdown.Measure(options.CsvPath, mapping, options.Runs);
        }

        Console.WriteLine(JsonSerializer.Serialize(line));
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>What Invoke-CCExport -Path does with one file, without the cmdlet's error records and progress.</summary>
    internal static StagingResult Stage(string csvPath, ExportMapping mapping, string runFolder)
    {
        using var staging = new ExportStaging(mapping, SampleExport.ListIds, runFolder);
        using (CsvProfileReader reader = CsvProfileReader.Open(csvPath, mapping.SourceFields, new[] { mapping.EmailField }))
        {
            ProfileRecord record = staging.NewRecord();
            long length = new FileInfo(csvPath).Length;
            while (reader.Read(record))
            {
                staging.Add(record, out _);
                staging.NoteBytesRead(reader.BytesRead, length);
            }
        }

        return staging.Complete();
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
