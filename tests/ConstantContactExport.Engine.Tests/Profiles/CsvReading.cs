using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Engine.Tests.Profiles;

/// <summary>One record as read, copied out of the reused <see cref="ProfileRecord"/>.</summary>
internal sealed record ReadRecord(long RecordNumber, long? LineNumber, string? SourceName, SourceValue[] Values, ProfileIssue? Issue)
{
    public string? this[int field] => Values[field].Text;
}

/// <summary>Everything a reader gave for one input.</summary>
internal sealed record ReadResult(string Encoding, string Delimiter, IReadOnlyList<string> Headers, IReadOnlyList<string> MissingFields, IReadOnlyList<ReadRecord> Records, long BlankRowsSkipped, long BytesRead);

internal static class CsvReading
{
    public static ReadResult ReadAll(CsvProfileReader reader, int fieldCount)
    {
        var records = new List<ReadRecord>();
        var record = new ProfileRecord(fieldCount);
        while (reader.Read(record))
        {
            records.Add(new ReadRecord(record.RecordNumber, record.LineNumber, record.SourceName, (SourceValue[])record.Values.Clone(), record.ReadIssue));
        }

        return new ReadResult(reader.Encoding.WebName, reader.Delimiter, reader.Headers.ToArray(), reader.MissingFields.ToArray(), records, reader.BlankRowsSkipped, reader.BytesRead);
    }

    public static ReadResult Read(byte[] bytes, string[] fields, string[]? required = null, CsvReadOptions? options = null)
    {
        using CsvProfileReader reader = CsvProfileReader.Open(new MemoryStream(bytes), "test.csv", fields, required ?? System.Array.Empty<string>(), options);
        return ReadAll(reader, fields.Length);
    }

    public static ReadResult Read(string text, params string[] fields) => Read(Encoding.UTF8.GetBytes(text), fields);

    public static ReadResult ReadFile(string path, string[] fields, string[]? required = null, CsvReadOptions? options = null)
    {
        using CsvProfileReader reader = CsvProfileReader.Open(path, fields, required ?? System.Array.Empty<string>(), options);
        return ReadAll(reader, fields.Length);
    }
}
