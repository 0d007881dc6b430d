using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using ConstantContactExport.Engine.Profiles;
using Xunit.Abstractions;

namespace ConstantContactExport.Engine.Tests.Profiles;

/// <summary>
/// A million profiles through the reader: memory stays flat (always run), and it reads them at a million rows a
/// second or more (run with CCE_SPEED_TESTS=1, as it writes a 100 MB file and times it). Alone in their collection,
/// so that other tests' allocations neither skew the heap nor the clock.
/// </summary>
[Collection(nameof(CsvProfileReaderSpeedTests))]
public sealed class CsvProfileReaderSpeedTests
{
    private const int Rows = 1_000_000;
    private static readonly string[] Fields = { "email", "first_name", "last_name", "segment", "city" };

    private readonly ITestOutputHelper output;

    public CsvProfileReaderSpeedTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Memory_stays_flat_over_a_million_rows()
    {
        // The rows come from a stream that repeats one block, so that no 100 MB buffer skews the measurement.
        byte[] block = Encoding.UTF8.GetBytes(RowsText(0, 1000));
        var stream = new RepeatingStream(Encoding.UTF8.GetBytes(Header), block, Rows / 1000);
        using CsvProfileReader reader = CsvProfileReader.Open(stream, "million.csv", Fields, new[] { "email" });
        var record = new ProfileRecord(Fields.Length);
        long count = 0, baseline = 0, peak = 0;
        while (reader.Read(record))
        {
            Assert.Null(record.ReadIssue);
            if (++count % 100_000 == 0)
            {
                long retained = GC.GetTotalMemory(forceFullCollection: true);
                baseline = count == 100_000 ? retained : baseline;
                peak = Math.Max(peak, retained);
            }
        }

        Assert.Equal(Rows, count);
        output.WriteLine($"Retained heap after 100,000 rows {baseline:N0} bytes; at most {peak:N0} bytes over {Rows:N0} rows.");
        Assert.True(peak - baseline < 1_000_000, $"The retained heap grew by {peak - baseline:N0} bytes while reading.");
    }

    [SpeedFact]
    public void Reads_a_million_rows_a_second()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cce-csv-speed-{Guid.NewGuid():N}.csv");
        try
        {
            Write(path, Rows);

            // Once to compile the hot paths, as a long run would have by its second second.
            Measure(path);
            (double seconds, long records) = Measure(path);

            double rate = records / seconds;
            output.WriteLine($"{records:N0} rows, {new FileInfo(path).Length / 1e6:F1} MB in {seconds:F3} s: {rate:N0} rows/s");
            Assert.Equal(Rows, records);
            Assert.True(rate >= 1_000_000, $"{rate:N0} rows/s");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const string Header = "email,first_name,last_name,segment,city,phone,customer_id\r\n";

    private static (double Seconds, long Records) Measure(string path)
    {
        var watch = Stopwatch.StartNew();
        long records = 0;
        using (CsvProfileReader reader = CsvProfileReader.Open(path, Fields, new[] { "email" }))
        {
            var record = new ProfileRecord(Fields.Length);
            while (reader.Read(record))
            {
                records++;
            }
        }

        return (watch.Elapsed.TotalSeconds, records);
    }

    /// <summary>Writes rows like a CRM export: about 100 bytes each, one quoted value with a comma, some non-ASCII names.</summary>
    private static void Write(string path, int rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write(Header);
        for (int start = 0; start < rows; start += 1000)
        {
            writer.Write(RowsText(start, Math.Min(1000, rows - start)));
        }
    }

    private static string RowsText(int start, int count)
    {
        string[] first = { "Ann", "Bob", "Chloé", "Dmitri", "Eve", "François", "Gus", "Hana", "Ivan", "Jo" };
        string[] last = { "Smith", "Jones", "Müller", "O'Brien", "Nguyen", "García", "Kowalski", "Ito", "Brown", "Lee" };
        string[] segment = { "vip", "newsletter", "vip;newsletter", "trial", "churned" };
        var text = new StringBuilder(count * 110);
        for (int i = start; i < start + count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"user{i}.{i * 7919 % 100000}@example{i % 50}.com,{first[i % 10]},{last[i / 10 % 10]},{segment[i % 5]},\"Springfield, IL\",+1-555-{i * 31 % 10000000:D7},C{i:D9}\r\n");
        }

        return text.ToString();
    }

    /// <summary>A read-only stream of a header and then one block of rows, many times over.</summary>
    private sealed class RepeatingStream : Stream
    {
        private readonly byte[] header;
        private readonly byte[] block;
        private readonly int times;
        private long position;

        public RepeatingStream(byte[] header, byte[] block, int times)
        {
            this.header = header;
            this.block = block;
            this.times = times;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => header.Length + ((long)block.Length * times);

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = 0;
            while (n < count && position < Length)
            {
                byte[] source;
                int at;
                if (position < header.Length)
                {
                    source = header;
                    at = (int)position;
                }
                else
                {
                    source = block;
                    at = (int)((position - header.Length) % block.Length);
                }

                int take = Math.Min(count - n, source.Length - at);
                Array.Copy(source, at, buffer, offset + n, take);
                n += take;
                position += take;
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

[CollectionDefinition(nameof(CsvProfileReaderSpeedTests), DisableParallelization = true)]
public sealed class CsvSpeedCollection
{
}

/// <summary>A test that times something, run only when CCE_SPEED_TESTS=1 (a shared CI machine gives no steady figure).</summary>
public sealed class SpeedFactAttribute : FactAttribute
{
    public SpeedFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CCE_SPEED_TESTS") != "1")
        {
            Skip = "Timing test: set CCE_SPEED_TESTS=1 to run it.";
        }
    }
}
