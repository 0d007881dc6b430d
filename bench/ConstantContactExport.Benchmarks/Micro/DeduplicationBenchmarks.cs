using System.Linq;
using BenchmarkDotNet.Attributes;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>
/// EmailDeduplicator.Add for 100,000 normalized addresses, 5% of them repeats in another case: into a table that
/// starts small and grows (pipeline input), and into one sized for them (a CSV file, whose length tells); and the same
/// for 1,000,000, whose table (21 MB sized, 32 MiB grown) no longer fits in the caches. Per address; the bytes are the
/// tables'.
/// </summary>
[MemoryDiagnoser]
public class DeduplicationBenchmarks
{
    private const int Count = 100_000;
    private const int Million = 1_000_000;

    private string[] addresses = null!;
    private string[] million = null!;

    [GlobalSetup]
    public void Setup()
    {
        addresses = Addresses(Count);
        million = Addresses(Million);
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int Add_growing() => AddAll(new EmailDeduplicator(), addresses);

    [Benchmark(OperationsPerInvoke = Count)]
    public int Add_presized() => AddAll(new EmailDeduplicator(Count), addresses);

    [Benchmark(OperationsPerInvoke = Million)]
    public int Add_growing_million() => AddAll(new EmailDeduplicator(), million);

    [Benchmark(OperationsPerInvoke = Million)]
    public int Add_presized_million() => AddAll(new EmailDeduplicator(Million), million);

    private static string[] Addresses(int count) => Enumerable.Range(0, count)
        .Select(i => i % 20 == 19 ? $"PERSON{i / 2}@example.com" : $"person{i}@example.com")
        .ToArray();

    private static int AddAll(EmailDeduplicator duplicates, string[] addresses)
    {
        int added = 0;
        foreach (string address in addresses)
        {
            if (duplicates.Add(address))
            {
                added++;
            }
        }

        return added;
    }
}
