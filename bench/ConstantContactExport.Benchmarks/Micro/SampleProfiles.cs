using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>
/// docs/demo/New-SampleProfileCsv.ps1 in C#, call for call on the same seeded <see cref="Random"/>, so that the
/// micro-benchmarks see the same rows as the pipeline benchmark without starting PowerShell: 10% out of segment,
/// 5% invalid, 5% duplicates, the rest sent.
/// </summary>
internal static class SampleProfiles
{
    private static readonly string[] First = { "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken", "Zoë", "José", "Łukasz", "Søren" };
    private static readonly string[] Last = { "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Hamilton", "Thompson", "Müller", "García", "O'Brien" };
    private static readonly string[] Cities = { "Boston", "Zürich", "São Paulo", "Kraków", "Austin", "Dublin", "Lyon", "Osaka" };
    private static readonly string[] Tiers = { "Gold", "Silver", "Bronze" };
    private static readonly string[] BadEmails = { "no-at-sign.example.com", "two@@example.com", "trailing-dot@example.com.", "space in@example.com", "user@localhost", "@example.com" };

    /// <summary>The CSV as UTF-8 bytes (no byte order mark, LF line ends), header included.</summary>
    public static byte[] Csv(int count, int seed = 1)
    {
        var text = new StringBuilder(count * 80);
        text.Append("Email,FirstName,LastName,Company,City,Tier,Segments\n");
        var random = new Random(seed);
        var sent = new List<int>();
        int unique = 0;
        string longName = new('x', 51);
        for (int i = 0; i < count; i++)
        {
            int roll = random.Next(100);
            string firstName = First[random.Next(First.Length)];
            string email;
            string segments;
            if (roll < 10)
            {
                email = Person(unique++);
                segments = random.Next(2) == 0 ? "Prospects" : string.Empty;
            }
            else if (roll < 15)
            {
                if (random.Next(2) == 0)
                {
                    email = BadEmails[random.Next(BadEmails.Length)];
                }
                else
                {
                    email = Person(unique++);
                    firstName = longName;
                }

                segments = SampleExport.Segment;
            }
            else if (roll < 20 && sent.Count > 0)
            {
                email = " PERSON" + sent[random.Next(sent.Count)].ToString(CultureInfo.InvariantCulture) + "@EXAMPLE.COM ";
                segments = "VIP;" + SampleExport.Segment;
            }
            else
            {
                sent.Add(unique);
                email = Person(unique++);
                segments = random.Next(3) == 0 ? SampleExport.Segment + ",VIP" : SampleExport.Segment;
            }

            string lastName = Last[random.Next(Last.Length)];
            text.Append(email).Append(',').Append(firstName).Append(",\"").Append(lastName).Append("\",Company ")
                .Append(random.Next(1000).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Cities[random.Next(Cities.Length)]).Append(',')
                .Append(Tiers[random.Next(Tiers.Length)]).Append(",\"").Append(segments).Append("\"\n");
        }

        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    /// <summary>Reads the rows of <see cref="Csv"/> into records of their own (the reader reuses one record).</summary>
    public static List<ProfileRecord> Records(ExportMapping mapping, int count, int seed = 1)
    {
        var records = new List<ProfileRecord>(count);
        using CsvProfileReader reader = CsvProfileReader.Open(new MemoryStream(Csv(count, seed)), "sample.csv", mapping.SourceFields, new[] { mapping.EmailField });
        var record = new ProfileRecord(mapping.SourceFields.Count);
        while (reader.Read(record))
        {
            var copy = new ProfileRecord(record.Values.Length) { RecordNumber = record.RecordNumber, LineNumber = record.LineNumber, ReadIssue = record.ReadIssue };
            Array.Copy(record.Values, copy.Values, record.Values.Length);
            records.Add(copy);
        }

        return records;
    }

    private static string Person(int n) => "person" + n.ToString(CultureInfo.InvariantCulture) + "@example.com";
}
