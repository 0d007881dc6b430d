using System.Linq;
using BenchmarkDotNet.Attributes;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>
/// EmailDeduplicator.Add for 100,000 normalized addresses, 5% of them repeats in another case: into a table that
/// starts small and grows (as in the pipeline), and into one sized for them. Per address; the bytes are the table's.
/// </summary>
[MemoryDiagnoser]
public class DeduplicationBenchmarks
{
    private const int Count = 100_000;

    private static readonly string[] Addresses = Enumerable.Range(0, Count)
        .Select(i => i % 20 == 19 ? $"PERSON{i / 2}@example.com" : $"person{i}@example.com")
        .ToArray();

    [Benchmark(OperationsPerInvoke = Count)]
    public int Add_growing() => AddAll(new EmailDeduplicator());

    [Benchmark(OperationsPerInvoke = Count)]
    public int Add_presized() => AddAll(new EmailDeduplicator(Count));

    private static int AddAll(EmailDeduplicator duplicates)
    {
        int added = 0;
        foreach (string address in Addresses)
        {
            if (duplicates.Add(address))
            {
                added++;
            }
        }

        return added;
    }
}
