using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace ConstantContactExport.Engine.Samples;

/// <summary>
/// Writes a CSV of made-up profiles with a known mix: valid members of the segments, some out of segment,
/// some invalid (in segment but with a broken address or an over-long name), some repeating an earlier
/// address. The demo, the tests and the benchmarks use it; the counts it returns are what an exact ledger
/// must show. The same seed gives the same file.
/// </summary>
public static class SampleProfileFile
{
    public const string Header = "Email,FirstName,LastName,Company,City,Tier,Segments";

    private static readonly string[] FirstNames = { "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken", "Zoë", "José", "Łukasz", "Søren" };
    private static readonly string[] LastNames = { "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Hamilton", "Thompson", "Müller", "García", "O'Brien" };
    private static readonly string[] Cities = { "Boston", "Zürich", "São Paulo", "Kraków", "Austin", "Dublin", "Lyon", "Osaka" };
    private static readonly string[] Tiers = { "Gold", "Silver", "Bronze" };
    private static readonly string[] BadEmails = { "no-at-sign.example.com", "two@@example.com", "trailing-dot@example.com.", "space in@example.com", "user@localhost", "@example.com" };

    /// <summary>Writes <paramref name="count"/> profiles to <paramref name="path"/> (UTF-8, no BOM, comma-separated).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="count">How many profiles (data rows).</param>
    /// <param name="seed">The same seed gives the same file.</param>
    /// <param name="segment">The segment the export sends (members have it among their segments).</param>
    public static SampleProfileCounts Write(string path, int count, int seed = 1, string segment = "Newsletter")
    {
        var random = new Random(seed);
        var counts = new SampleProfileCounts { Input = count };
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        writer.NewLine = "\n";
        writer.WriteLine(Header);
        var line = new StringBuilder(160);
        int unique = 0;

        // Duplicates repeat only addresses that were submitted: a profile that was out of segment or invalid
        // does not make a later one with its address a duplicate (the first one that can be sent wins).
        var submitted = new System.Collections.Generic.List<int>();
        for (int i = 0; i < count; i++)
        {
            int roll = random.Next(100);
            string first = FirstNames[random.Next(FirstNames.Length)];
            string last = LastNames[random.Next(LastNames.Length)];
            string email;
            string segments;
            if (roll < 10)
            {
                // Out of segment (whatever the rest holds: segment membership is decided first).
                email = AddressOf(unique++);
                segments = random.Next(2) == 0 ? "Prospects" : string.Empty;
                counts.OutOfSegment++;
            }
            else if (roll < 15)
            {
                email = roll < 13 ? BadEmails[random.Next(BadEmails.Length)] : AddressOf(unique++);
                if (roll >= 13)
                {
                    first = new string('x', 51); // valid address, name over Constant Contact's 50
                }

                segments = segment;
                counts.Invalid++;
            }
            else if (roll < 20 && submitted.Count > 0)
            {
                // An address sent before, in other case and with white space around it.
                email = " " + AddressOf(submitted[random.Next(submitted.Count)]).ToUpperInvariant() + " ";
                segments = "VIP;" + segment;
                counts.Duplicate++;
            }
            else
            {
                submitted.Add(unique);
                email = AddressOf(unique++);
                segments = random.Next(3) == 0 ? segment + ",VIP" : segment;
                counts.Submitted++;
            }

            line.Clear();
            Field(line, email).Append(',');
            Field(line, first).Append(',');
            Field(line, last).Append(',');
            Field(line, "Company " + random.Next(1000).ToString(CultureInfo.InvariantCulture)).Append(',');
            Field(line, Cities[random.Next(Cities.Length)]).Append(',');
            Field(line, Tiers[random.Next(Tiers.Length)]).Append(',');
            Field(line, segments);
            writer.WriteLine(line);
        }

        return counts;
    }

    private static string AddressOf(int n) => "person" + n.ToString(CultureInfo.InvariantCulture) + "@example.com";

    private static StringBuilder Field(StringBuilder line, string value)
    {
        if (value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0)
        {
            return line.Append(value);
        }

        return line.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
    }
}

/// <summary>The ledger a sample file must give.</summary>
public sealed class SampleProfileCounts
{
    public long Input { get; set; }

    public long OutOfSegment { get; set; }

    public long Invalid { get; set; }

    public long Duplicate { get; set; }

    public long Submitted { get; set; }
}
