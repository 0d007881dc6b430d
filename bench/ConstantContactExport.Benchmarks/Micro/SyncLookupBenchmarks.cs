using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>
/// What a second run of an unchanged million spends per profile finding it in the sync state: SyncState.TryFind
/// (a prefix table, then the few records under the key's prefix) against a binary search over the same sorted
/// records (the baseline, what TryFind did before), for 800,000 records looked up in an order unrelated to the key's.
/// Per lookup.
/// </summary>
public class SyncLookupBenchmarks
{
    private const int Count = 800_000;

    private SyncRecord[] records = null!;
    private SyncState state = null!;
    private ulong[] probes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        ulong[] keys = Enumerable.Range(0, Count).Select(i => SyncKey.For($"person{i}@example.com")).ToArray();
        records = keys.OrderBy(k => k).Select(k => new SyncRecord(k, k * 31, Guid.Empty, 1)).ToArray();
        state = new SyncState(Array.Empty<Guid>(), records, records.Length, DateTimeOffset.UnixEpoch);

        // The input's order: the addresses as the file has them, not the hashes' order.
        probes = keys.OrderBy(_ => random.Next()).ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public int BinarySearch()
    {
        int found = 0;
        foreach (ulong key in probes)
        {
            int low = 0;
            int high = records.Length - 1;
            while (low <= high)
            {
                int middle = low + ((high - low) >> 1);
                ulong at = records[middle].Key;
                if (at == key)
                {
                    found++;
                    break;
                }

                if (at < key)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int TryFind()
    {
        int found = 0;
        foreach (ulong key in probes)
        {
            if (state.TryFind(key, out _))
            {
                found++;
            }
        }

        return found;
    }
}
