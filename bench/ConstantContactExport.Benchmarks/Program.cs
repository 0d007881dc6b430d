using System;
using ConstantContactExport.Benchmarks.Micro;
using ConstantContactExport.Benchmarks.Pipeline;

namespace ConstantContactExport.Benchmarks;

/// <summary>
/// <c>pipeline --csv FILE [--runs 3] [--expect-json JSON|FILE] [--breakdown | --step STEP] [--work DIR]</c>: stages one CSV file and
/// prints one JSON line. <c>bdn [FILTER] [BenchmarkDotNet options]</c>: the micro-benchmarks.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : string.Empty;
        string[] rest = args.Length > 0 ? args[1..] : Array.Empty<string>();
        try
        {
            switch (mode)
            {
                case "pipeline":
                    return PipelineBenchmark.Run(PipelineOptions.Parse(rest));
                case "bdn":
                    return MicroBenchmarks.Run(rest);
                default:
                    Console.Error.WriteLine("Usage: ConstantContactExport.Benchmarks pipeline --csv FILE [--runs 3] [--expect-json JSON|FILE] [--breakdown | --step STEP] [--work DIR]");
                    Console.Error.WriteLine("       ConstantContactExport.Benchmarks bdn [FILTER] [BenchmarkDotNet options]");
                    return 2;
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
