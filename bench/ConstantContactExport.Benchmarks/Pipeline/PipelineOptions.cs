using System;
using System.IO;

namespace ConstantContactExport.Benchmarks.Pipeline;

/// <summary>The arguments of <c>pipeline</c>.</summary>
internal sealed class PipelineOptions
{
    public string CsvPath { get; private set; } = string.Empty;

    public int Runs { get; private set; } = 3;

    /// <summary>The generator's counts (its output as JSON, or a file holding it), or null for no check.</summary>
    public string? ExpectJson { get; private set; }

    public bool Breakdown { get; private set; }

    /// <summary>Only this pass of the breakdown (read, segment, validate, map, dedupe, batch), for its own peak working set.</summary>
    public string? Step { get; private set; }

    /// <summary>Where the temporary run folders go.</summary>
    public string WorkFolder { get; private set; } = Path.GetTempPath();

    public static PipelineOptions Parse(string[] args)
    {
        var options = new PipelineOptions();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--csv":
                    options.CsvPath = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--runs":
                    options.Runs = int.TryParse(Value(args, ref i), out int runs) && runs > 0
                        ? runs
                        : throw new ArgumentException("--runs takes a whole number of 1 or more.");
                    break;
                case "--expect-json":
                    options.ExpectJson = Value(args, ref i);
                    break;
                case "--breakdown":
                    options.Breakdown = true;
                    break;
                case "--step":
                    options.Step = Value(args, ref i);
                    break;
                case "--work":
                    options.WorkFolder = Path.GetFullPath(Value(args, ref i));
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        if (options.CsvPath.Length == 0 || !File.Exists(options.CsvPath))
        {
            throw new ArgumentException("pipeline needs --csv with an existing file.");
        }

        return options;
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
