using System.IO;
using BenchmarkDotNet.Attributes;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>CsvProfileReader over a 100,000-row sample CSV in memory (7.8 MB), the export's seven columns read. Per row.</summary>
[MemoryDiagnoser]
public class CsvReadingBenchmarks
{
    private const int Rows = 100_000;
    private readonly ExportMapping mapping = SampleExport.Mapping();
    private byte[] csv = null!;
    private string[] required = null!;

    [GlobalSetup]
    public void Setup()
    {
        csv = SampleProfiles.Csv(Rows);
        required = new[] { mapping.EmailField };
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public long Read_rows()
    {
        using CsvProfileReader reader = CsvProfileReader.Open(new MemoryStream(csv, writable: false), "sample.csv", mapping.SourceFields, required);
        var record = new ProfileRecord(mapping.SourceFields.Count);
        long n = 0;
        while (reader.Read(record))
        {
            n++;
        }

        return n;
    }
}
