using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>
/// ImportBatchWriter.Add of 1,000 contacts built from sample profiles (email and six fields) into bodies written to a
/// null stream, default bounds: JSON serialization, sizing and body splitting without the disk. Per contact.
/// </summary>
[MemoryDiagnoser]
public class BatchWritingBenchmarks
{
    private const int Count = 1000;
    private readonly ExportMapping mapping = SampleExport.Mapping();
    private ImportContact[] contacts = null!;
    private ImportBatchWriter writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = new ContactBuilder(mapping);
        var segments = new SegmentMatcher(mapping.Segments);
        var built = new List<ImportContact>(Count);
        foreach (ProfileRecord record in SampleProfiles.Records(mapping, Count * 2))
        {
            var contact = new ImportContact();
            if (built.Count < Count && record.ReadIssue is null && segments.IsMember(record.Values[mapping.SegmentIndex])
                && builder.Build(record.Values, out _, contact) is null)
            {
                built.Add(contact);
            }
        }

        contacts = built.ToArray();
        if (contacts.Length != Count)
        {
            throw new System.InvalidOperationException($"The sample gave {contacts.Length} contacts, not {Count}.");
        }

        writer = new ImportBatchWriter(SampleExport.ListIds, new NullBatchSink());
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public long Add()
    {
        foreach (ImportContact contact in contacts)
        {
            writer.Add(contact);
        }

        return writer.ContactCount;
    }
}
