using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>
/// Runs the BenchmarkDotNet micro-benchmarks with a short job in this process: no generated project, so no restore
/// and no network, and the whole set takes a few minutes on two cores. Figures are per operation (a row, an
/// address, a contact), with the memory diagnoser's bytes allocated per operation.
/// </summary>
internal static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        // A bare first argument is the filter; without one every benchmark runs (the switcher would otherwise ask).
        string[] bdnArgs = args.Length > 0 && !args[0].StartsWith('-')
            ? new[] { "--filter", args[0] }.Concat(args.Skip(1)).ToArray()
            : args.Any(a => a.StartsWith("--filter", StringComparison.Ordinal)) ? args : new[] { "--filter", "*" }.Concat(args).ToArray();

        string artifacts = Environment.GetEnvironmentVariable("CCE_ARTIFACTS") is { Length: > 0 } root
            ? Path.Combine(root, "bench-bdn")
            : Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");

        IConfig config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .HideColumns(Column.Job, Column.Toolchain, Column.IterationCount, Column.LaunchCount, Column.WarmupCount)
            .WithArtifactsPath(artifacts)
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared))
            .WithOptions(ConfigOptions.JoinSummary);

        Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(bdnArgs, config).ToArray();
        if (summaries.Length == 0)
        {
            Console.Error.WriteLine("No benchmark matched.");
            return 1;
        }

        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
