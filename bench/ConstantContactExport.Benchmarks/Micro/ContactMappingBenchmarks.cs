using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>
/// ContactBuilder.Build on 1,000 sample profiles that are in the segment (the ones the pipeline builds), about 5%
/// of them invalid: email validation plus the checks and mapping of six fields. Per profile.
/// </summary>
[MemoryDiagnoser]
public class ContactMappingBenchmarks
{
    private const int Count = 1000;
    private readonly ExportMapping mapping = SampleExport.Mapping();
    private readonly ImportContact contact = new();
    private ContactBuilder builder = null!;
    private SourceValue[][] profiles = null!;

    [GlobalSetup]
    public void Setup()
    {
        builder = new ContactBuilder(mapping);
        var segments = new SegmentMatcher(mapping.Segments);
        List<ProfileRecord> records = SampleProfiles.Records(mapping, Count * 2);
        profiles = records
            .Where(r => r.ReadIssue is null && segments.IsMember(r.Values[mapping.SegmentIndex]))
            .Take(Count)
            .Select(r => r.Values)
            .ToArray();
        if (profiles.Length != Count)
        {
            throw new System.InvalidOperationException($"The sample gave {profiles.Length} profiles, not {Count}.");
        }
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int Build()
    {
        int valid = 0;
        foreach (SourceValue[] values in profiles)
        {
            if (builder.Build(values, out _, contact) is null)
            {
                valid++;
            }
        }

        return valid;
    }
}
