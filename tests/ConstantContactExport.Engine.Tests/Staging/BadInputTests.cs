using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Tests.Import;
using ConstantContactExport.Engine.Tests.Profiles;
using CsCheck;
using CsvHelper;
using CsvHelper.Configuration;

namespace ConstantContactExport.Engine.Tests.Staging;

/// <summary>
/// Issue #7, bad input: whatever bytes a CSV holds and whatever values a profile has, staging never throws for a
/// record, every record lands in exactly one bucket (an exact ledger, one reject row per Invalid one), and what is
/// sent is only what Constant Contact takes whole. CCE_SOAK=1 (build.ps1 -Task Soak) runs ten times the cases.
/// </summary>
public sealed class BadInputTests
{
    private static readonly int Scale = Environment.GetEnvironmentVariable("CCE_SOAK") == "1" ? 10 : 1;

    private static readonly string[] ListIds = { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a" };

    private static readonly ExportMapping Mapping = new(
        "Email", "First", "Last",
        new Dictionary<string, string> { ["city"] = "City", ["cf:tier"] = "Tier", ["phone"] = "Phone", ["birthday_month"] = "Month", ["birthday_day"] = "Day" },
        segmentField: "Segment",
        segments: new[] { "VIP" });

    private static readonly string[] Header = { "Email", "First", "Last", "City", "Tier", "Phone", "Month", "Day", "Segment" };

    // Text that a profile source can hold: addresses, quotes, delimiters, line breaks, control characters, broken
    // and whole surrogate pairs, noncharacters, white space, multi-byte letters, formula starts.
    private static readonly string[] Pieces =
    {
        "ada@example.com", "ADA@Example.COM ", " grace@example.com", "x@localhost", "@", "a", "Zoë", "東京", "😀", "\uD83D", "\uDE00",
        "\uFFFF", "\uFFFD", "\0", "\u0007", "\t", "\r", "\n", "\r\n", "\"", ",", ";", "|", " ", "\u00A0", "=", "+1", "-", "7", "12", "VIP", "vip;Other",
        "\uFEFF", "\u200B", "\u202E", "\uFF1D", "\uFF0B1", "\uFF0D", "\uFF20", "\u2212", "\uFE62",
    };

    private static readonly Gen<string> Text = Gen.Frequency(
        (30, Gen.OneOfConst(Pieces).Array[0, 6].Select(p => string.Concat(p))),
        (3, Gen.Int[0, 100_000].Select(n => $"p{n}@example.com")),
        (1, Gen.OneOfConst(Pieces).Select(p => string.Concat(Enumerable.Repeat(p, 10_000 / Math.Max(1, p.Length))))));

    private static readonly Gen<SourceValue> Value = Gen.Frequency(
        (20, Text.Select(SourceValue.FromText)),
        (2, Gen.Const(SourceValue.Null)),
        (2, Gen.Const(SourceValue.Missing)),
        (1, Text.Array[0, 3].Select(items => SourceValue.FromList(items))),
        (1, Gen.OneOfConst("hashtable", "nested object", "script block", "Int32[]").Select(SourceValue.NotText)));

    // Values Constant Contact takes in any field (a phone needs a digit); blanks are left out.
    private static readonly Gen<string> CleanText = Gen.OneOfConst(" Ada ", "Zoë", "東京", "😀 7", "O'Brien, Jr.", "=1+2", "+44 20 7946 0000", "say \"hi\" 2", "");

    private static readonly Gen<string> Field = Gen.Frequency((9, CleanText), (1, Text));

    private static readonly Gen<SourceValue> FieldValue = Gen.Frequency(
        (8, CleanText.Select(SourceValue.FromText)),
        (2, Gen.OneOfConst(SourceValue.Null, SourceValue.Missing)),
        (1, Value));

    /// <summary>A profile: mostly a plausible address in the segment with mostly clean fields, so that every bucket is reached.</summary>
    private static readonly Gen<SourceValue[]> Profile = Gen.Frequency(
        (1, Value.Array[Header.Length]),
        (4, Gen.Select(FieldValue.Array[Header.Length], Gen.Int[0, 150], Gen.Int[0, 9], (values, n, pick) =>
        {
            values[0] = SourceValue.FromText(pick % 2 == 0 ? $"p{n}@example.com" : $" P{n}@Example.COM ");
            values[Header.Length - 1] = SourceValue.FromText(pick > 2 ? "VIP" : "Other,vip");
            if (pick < 8)
            {
                // A birthday needs both halves or neither.
                values[6] = values[7] = SourceValue.Missing;
            }

            return values;
        })));

    [Fact]
    public void Any_profile_values_stage_without_throwing_into_an_exact_ledger()
    {
        var totals = new Totals();
        Profile.Array[0, 200].Sample(profiles =>
        {
            var run = new Staged();
            foreach (SourceValue[] values in profiles)
            {
                var record = new ProfileRecord(Mapping.SourceFields.Count) { RecordNumber = run.Records + 1 };
                for (int i = 0; i < Header.Length; i++)
                {
                    record.Values[Mapping.SourceFields.ToList().FindIndex(f => f == Header[i])] = values[i];
                }

                run.Add(record);

                // A 10,000-character value, a list or an object in a field that is sent never reaches Constant Contact.
                // The segment field (the last) is read, not sent: a list of segment names is a member's.
                if (run.LastOutcome == ProfileOutcome.Submitted)
                {
                    SourceValue[] sent = values.Take(Header.Length - 1).ToArray();
                    Assert.All(sent, v => Assert.True(v.Kind is SourceValueKind.Text or SourceValueKind.Null or SourceValueKind.Missing));
                    Assert.All(sent.Where(v => v.Kind == SourceValueKind.Text), v => Assert.True(v.Text!.Trim().Length <= 255));
                }
            }

            run.Check();
            totals.Add(run);
        }, iter: 300 * Scale, threads: 1);
        totals.AssertEveryBucketSeen();
    }

    [Fact]
    public void Any_csv_bytes_read_and_stage_without_throwing_into_an_exact_ledger()
    {
        // Mostly plausible addresses in the segment, so that every bucket is reached; anything at all around them.
        Gen<string[]> row = Gen.Select(Field.Array[Header.Length], Gen.Int[0, 150], Gen.Int[0, 9], (values, n, pick) =>
        {
            if (pick > 1)
            {
                values[0] = pick % 2 == 0 ? $"p{n}@example.com" : $" P{n}@Example.COM ";
                values[Header.Length - 1] = pick > 3 ? "VIP" : "x;vip";
                values[6] = values[7] = string.Empty;
            }

            return values;
        });
        Gen<byte[]> files =
            from rows in row.Array[0, 30]
            from encoding in Gen.Int[0, 4]
            from crlf in Gen.Bool
            from mutations in Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Byte).Array[0, 6]
            select Mutate(Write(rows, encoding, crlf), mutations);
        var totals = new Totals();
        files.Sample(bytes =>
        {
            var run = new Staged();
            try
            {
                using CsvProfileReader reader = CsvProfileReader.Open(new MemoryStream(bytes), "fuzz.csv", Mapping.SourceFields, new[] { "Email" });
                var record = new ProfileRecord(Mapping.SourceFields.Count);
                while (reader.Read(record))
                {
                    run.Add(record);
                }
            }
            catch (CsvSourceException ex)
            {
                // A file-level problem (not text, no header, no email column...): said in one sentence, naming the file.
                Assert.Contains("fuzz.csv", ex.Message, StringComparison.Ordinal);
            }

            run.Check();
            totals.Add(run);
        }, iter: 400 * Scale, threads: 1);
        totals.AssertEveryBucketSeen();
    }

    [Fact]
    public void Every_sample_file_stages_into_an_exact_ledger_with_its_bad_rows_rejected()
    {
        // docs/csv-samples.md's files (CsvSamplesTests checks each one's records) through the whole offline path,
        // the first column as the address and the next two as names.
        foreach (string path in Directory.EnumerateFiles(CsvSamples.Folder, "*", SearchOption.AllDirectories).Where(p => p.EndsWith(".csv", StringComparison.Ordinal) || p.EndsWith("sv", StringComparison.Ordinal)))
        {
            string[] headers;
            using (CsvProfileReader probe = CsvProfileReader.Open(path, new[] { "x" }, Array.Empty<string>()))
            {
                // Names that occur once: reading a repeated one is a file-level error (DuplicateColumn), not this test's.
                headers = probe.Headers.Where(h => h.Trim().Length > 0).GroupBy(h => h.Trim(), StringComparer.OrdinalIgnoreCase)
                    .Where(g => g.Count() == 1).Select(g => g.Key).ToArray();
            }

            if (headers.Length == 0)
            {
                continue;
            }

            var mapping = new ExportMapping(headers[0], headers.ElementAtOrDefault(1), headers.ElementAtOrDefault(2), segments: new[] { "All" });
            var run = new Staged(mapping, new[] { "All" });
            var issues = new List<RejectReason>();
            using (CsvProfileReader reader = CsvProfileReader.Open(path, mapping.SourceFields, new[] { headers[0] }))
            {
                var record = new ProfileRecord(mapping.SourceFields.Count);
                while (reader.Read(record))
                {
                    if (record.ReadIssue is { } issue)
                    {
                        issues.Add(issue.Reason);
                    }

                    run.Add(record);
                }
            }

            run.Check();
            Assert.True(run.InvalidReasons.Count(r => r is RejectReason.MalformedRow or RejectReason.InvalidEncoding) == issues.Count(r => r is RejectReason.MalformedRow or RejectReason.InvalidEncoding), path);
        }
    }

    [Fact]
    public void The_reject_report_never_holds_a_cell_a_spreadsheet_would_run()
    {
        Gen<string> cell = Gen.Frequency(
            (4, Text),
            (1, Gen.Select(Gen.OneOfConst("=", "+", "-", "@", "\t", "\r", "\"=", " =", "'="), Text).Select((start, rest) => start + rest)));
        Gen.Select(cell, cell, cell).Array[1, 20].Sample(rows =>
        {
            var text = new StringWriter();
            using (var writer = new RejectReportWriter(text))
            {
                long n = 0;
                foreach ((string source, string email, string message) in rows)
                {
                    writer.Write(new RejectedProfile(++n, n, source, email, new ProfileIssue(RejectReason.EmailInvalid, "email", message)));
                }
            }

            using var csv = new CsvParser(new StringReader(text.ToString()), new CsvConfiguration(CultureInfo.InvariantCulture));
            Assert.True(csv.Read());
            int count = 0;
            while (csv.Read())
            {
                count++;
                for (int i = 0; i < csv.Count; i++)
                {
                    string value = csv[i];
                    Assert.False(WouldRunAsFormula(value), $"cell '{value}' would run as a formula");
                }
            }

            Assert.Equal(rows.Length, count);
        }, iter: 300 * Scale);
    }

    /// <summary>
    /// Not escaped with an apostrophe, and its first character past spaces, controls and format characters (BOM,
    /// zero-width, bidirectional) is a formula start in any width: = + - @ as NFKC folds them, or the minus sign.
    /// </summary>
    private static bool WouldRunAsFormula(string value)
    {
        foreach (char c in value)
        {
            string folded = char.IsSurrogate(c) || c is '\uFFFF' or '\uFFFE' || (c >= '\uFDD0' && c <= '\uFDEF') ? string.Empty : c.ToString().Normalize(System.Text.NormalizationForm.FormKC);
            if (c == '\'' && value[0] == '\'')
            {
                return false;
            }

            if ("=+-@\t\r\n\u2212".IndexOf(c) >= 0 || (folded.Length == 1 && "=+-@".IndexOf(folded[0]) >= 0 && !char.IsSurrogate(c)))
            {
                return true;
            }

            if (!(c == ' ' || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.SpaceSeparator))
            {
                return false;
            }
        }

        return false;
    }

    private static byte[] Write(string[][] rows, int encoding, bool crlf)
    {
        var text = new StringWriter { NewLine = crlf ? "\r\n" : "\n" };
        using (var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = text.NewLine }))
        {
            foreach (string h in Header)
            {
                csv.WriteField(h);
            }

            csv.NextRecord();
            foreach (string[] row in rows)
            {
                foreach (string value in row)
                {
                    csv.WriteField(value);
                }

                csv.NextRecord();
            }
        }

        Encoding e = encoding switch
        {
            0 => new UTF8Encoding(false),
            1 => new UTF8Encoding(true),
            2 => new UnicodeEncoding(false, true),
            3 => new UnicodeEncoding(true, false),
            _ => new UTF32Encoding(false, true),
        };

        // Lone surrogates cannot be encoded: the encoders' replacement makes them '?' or U+FFFD, as a writer would.
        return e.GetPreamble().Concat(e.GetBytes(text.ToString())).ToArray();
    }

    /// <summary>Bytes flipped, inserted (broken UTF-8 starts, NULs, quotes, line ends) or cut, at random places.</summary>
    private static byte[] Mutate(byte[] bytes, (int Kind, int At, byte Byte)[] mutations)
    {
        var list = bytes.ToList();
        byte[] nasty = { 0x00, 0xFF, 0xFE, 0xC3, 0xA9, 0xE2, 0x82, 0xED, 0xA0, 0x80, 0x22, 0x0D, 0x0A, 0x2C, 0x3B };
        foreach ((int kind, int at, byte b) in mutations)
        {
            int i = list.Count == 0 ? 0 : at % (list.Count + 1);
            switch (kind)
            {
                case 0 when i < list.Count: list[i] = b; break;
                case 1: list.Insert(i, nasty[b % nasty.Length]); break;
                case 2 when i < list.Count: list.RemoveAt(i); break;
                case 3: list.RemoveRange(i, list.Count - i); break;
                case 4: list.InsertRange(i, new byte[] { 0xF0, 0x9F }); break;
                default: list.Insert(i, b); break;
            }
        }

        return list.ToArray();
    }

    /// <summary>What the cases of one property reached, so that a generator that stopped reaching a bucket is noticed.</summary>
    private sealed class Totals
    {
        private readonly long[] buckets = new long[4];
        private readonly HashSet<RejectReason> reasons = new();

        public void Add(Staged run)
        {
            buckets[0] += run.Ledger.OutOfSegmentCount;
            buckets[1] += run.Ledger.InvalidCount;
            buckets[2] += run.Ledger.DuplicateCount;
            buckets[3] += run.Ledger.SubmittedCount;
            reasons.UnionWith(run.InvalidReasons);
        }

        public void AssertEveryBucketSeen()
        {
            Assert.All(buckets, b => Assert.True(b > 0, string.Join(", ", buckets)));
            Assert.True(reasons.Count >= 4, string.Join(", ", reasons));
        }
    }

    /// <summary>One staging through the real pipeline, and the checks any staging must pass.</summary>
    private sealed class Staged
    {
        private readonly ExportMapping mapping;
        private readonly MemoryBatchSink sink = new();
        private readonly StringWriter report = new();
        private readonly RejectReportWriter rejects;
        private readonly ProfilePipeline pipeline;

        public Staged(ExportMapping? mapping = null, IReadOnlyList<string>? inputSegments = null)
        {
            this.mapping = mapping ?? Mapping;
            rejects = new RejectReportWriter(report);
            pipeline = new ProfilePipeline(this.mapping, inputSegments, new ImportBatchWriter(ListIds, sink, new ImportBatchLimits(MaxContacts: 13)), rejects);
        }

        public long Records { get; private set; }

        public ExportLedger Ledger => pipeline.Ledger;

        public ProfileOutcome LastOutcome { get; private set; }

        public List<RejectReason> InvalidReasons { get; } = new();

        public void Add(ProfileRecord record)
        {
            Records++;
            ProfileIssue? readIssue = record.ReadIssue;
            LastOutcome = pipeline.Add(record, out ProfileIssue? issue);
            Assert.Equal(LastOutcome == ProfileOutcome.Invalid, issue is not null);
            if (issue is not null)
            {
                Assert.True(Enum.IsDefined(issue.Reason));
                Assert.False(string.IsNullOrWhiteSpace(issue.Message));
                InvalidReasons.Add(issue.Reason);
            }

            if (readIssue is not null)
            {
                // A record that could not be read whole is Invalid for that reason, whatever else it holds.
                Assert.Equal(ProfileOutcome.Invalid, LastOutcome);
                Assert.Equal(readIssue.Reason, issue!.Reason);
            }
        }

        public void Check()
        {
            pipeline.Complete();
            rejects.Dispose();
            ExportLedger l = pipeline.Ledger;
            Assert.Equal(Records, l.InputCount);
            Assert.Equal(l.InputCount, l.OutOfSegmentCount + l.InvalidCount + l.DuplicateCount + l.SubmittedCount);
            Assert.Equal(l.InvalidCount, InvalidReasons.Count);
            Assert.Equal(l.InvalidCount, ReportRows());

            // What is sent: valid JSON within Constant Contact's bounds, each address once, each value one clean line.
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            long contacts = 0;
            foreach (byte[] body in sink.Bodies)
            {
                Assert.True(body.Length < ImportBatchLimits.Default.MaxBodyBytes);
                using JsonDocument doc = JsonDocument.Parse(body);
                foreach (JsonElement contact in doc.RootElement.GetProperty("import_data").EnumerateArray())
                {
                    contacts++;
                    string email = contact.GetProperty("email").GetString()!;
                    Assert.True(EmailAddressValidator.Validate(email).IsValid, email);
                    Assert.True(seen.Add(email), email);
                    foreach (JsonProperty field in contact.EnumerateObject())
                    {
                        string value = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
                        Assert.Equal(value.Trim(), value);
                        Assert.True(value.Length > 0 && value.Length <= (field.Name.StartsWith("cf:", StringComparison.Ordinal) ? 255 : 80), field.Name);
                        Assert.Equal(-1, TextChecks.FindControlCharacter(value));
                        Assert.Equal(-1, TextChecks.FindBrokenSurrogate(value));
                    }
                }
            }

            Assert.Equal(l.SubmittedCount, contacts);
        }

        private long ReportRows()
        {
            using var csv = new CsvParser(new StringReader(report.ToString()), new CsvConfiguration(CultureInfo.InvariantCulture));
            long rows = -1;
            while (csv.Read())
            {
                rows++;
            }

            return rows;
        }
    }
}
