using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Tests.Import;
using CsCheck;

namespace ConstantContactExport.Engine.Tests.Staging;

public sealed class ProfilePipelineTests
{
    private static readonly string[] ListIds = { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a" };

    private static readonly ExportMapping Mapping = new("Email", "First", segmentField: "Segment", segments: new[] { "VIP" });

    private static ProfileRecord Record(long n, string? email, string? segment, string? first = null)
    {
        var record = new ProfileRecord(Mapping.SourceFields.Count) { RecordNumber = n };
        record.Values[Mapping.EmailIndex] = email is null ? SourceValue.Null : SourceValue.FromText(email);
        record.Values[Mapping.SegmentIndex] = segment is null ? SourceValue.Missing : SourceValue.FromText(segment);
        record.Values[1] = first is null ? SourceValue.Missing : SourceValue.FromText(first);
        return record;
    }

    [Fact]
    public void Each_profile_lands_in_one_bucket_in_the_stated_order()
    {
        var sink = new MemoryBatchSink();
        var report = new StringWriter();
        var rejects = new RejectReportWriter(report);
        var pipeline = new ProfilePipeline(Mapping, null, new ImportBatchWriter(ListIds, sink), rejects);

        Assert.Equal(ProfileOutcome.Submitted, pipeline.Add(Record(1, "a@example.com", "VIP"), out _));
        Assert.Equal(ProfileOutcome.OutOfSegment, pipeline.Add(Record(2, "not an email", "Other"), out _)); // out of segment wins over invalid
        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(Record(3, "not an email", "VIP"), out var issue));
        Assert.Equal(RejectReason.EmailInvalid, issue!.Reason);
        Assert.Equal(ProfileOutcome.Duplicate, pipeline.Add(Record(4, " A@EXAMPLE.com", "vip"), out _));
        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(Record(5, "a@example.com", "VIP", new string('x', 51)), out _)); // invalid wins over duplicate
        var broken = Record(6, "b@example.com", "VIP");
        broken.ReadIssue = new ProfileIssue(RejectReason.MalformedRow, null, "Line 7: ragged");
        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(broken, out _));
        pipeline.Complete();

        var ledger = pipeline.Ledger;
        Assert.Equal((6, 1, 3, 1, 1), (ledger.InputCount, ledger.OutOfSegmentCount, ledger.InvalidCount, ledger.DuplicateCount, ledger.SubmittedCount));
        Assert.Single(sink.Bodies);
        string csv = report.ToString();
        Assert.Equal(4, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("EmailInvalid", csv);
        Assert.Contains("MalformedRow", csv);
    }

    [Fact]
    public void A_rejected_profile_in_the_segment_is_noted_present_by_the_address_it_would_be_sent_with()
    {
        using var folder = new TempFolder();
        var sync = new ConstantContactExport.Engine.Sync.SyncStaging(null, ListIds, folder.Path, notePresent: true);
        var pipeline = new ProfilePipeline(Mapping, null, new ImportBatchWriter(ListIds, new MemoryBatchSink()), null, sync);

        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(Record(1, "<ada@example.com>", "VIP"), out _));
        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(Record(2, "mailto:bob@example.com", "VIP"), out _));
        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(Record(3, "ca\u200Brl@example.com", "VIP"), out _));
        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(Record(4, "jeff@\u81FA\u7DB2\u4E2D\u5FC3.tw", "VIP", new string('x', 51)), out _)); // valid IDN, name too long
        var unreadable = Record(5, "\"dora@example.com\"", "VIP");
        unreadable.ReadIssue = new ProfileIssue(RejectReason.MalformedRow, null, "Line 6: ragged");
        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(unreadable, out _));
        Assert.Equal(ProfileOutcome.Invalid, pipeline.Add(Record(6, "not an email", "VIP"), out _));
        Assert.Equal(ProfileOutcome.OutOfSegment, pipeline.Add(Record(7, "<eve@example.com>", "Other"), out _));
        pipeline.Complete();

        var present = ConstantContactExport.Engine.Sync.PresentKeysFile.TryRead(folder.File(ConstantContactExport.Engine.Sync.PresentKeysFile.FileName))!;
        ulong[] expected = new[] { "ada@example.com", "bob@example.com", "carl@example.com", "jeff@xn--fiqq24b10vi0d.tw", "dora@example.com", "not an email" }
            .Select(ConstantContactExport.Engine.Sync.SyncKey.For).OrderBy(k => k).ToArray();
        Assert.Equal(expected, present.Select(p => p.Key));
        Assert.All(present, p => Assert.Equal(1UL, p.Lists));
        Assert.Equal(0, pipeline.Ledger.SubmittedCount);
    }

    [Fact]
    public void Expecting_more_profiles_sizes_the_duplicate_check_once_for_the_share_that_reaches_it()
    {
        var pipeline = new ProfilePipeline(Mapping, null, new ImportBatchWriter(ListIds, new MemoryBatchSink()), null);
        for (int i = 0; i < 100; i++)
        {
            // Half in segment: half of what comes is expected to reach the duplicate check.
            pipeline.Add(Record(i, $"p{i}@example.com", i % 2 == 0 ? "VIP" : "Other"), out _);
        }

        long before = pipeline.DuplicateTableBytes;
        pipeline.ExpectMore(200_000);
        long sized = pipeline.DuplicateTableBytes;

        // 50 held + 55% of 200,000 (a tenth to spare), at three quarters full, 16 bytes a slot: about 2.3 MB.
        Assert.InRange(sized, 110_050 * 16 * 4 / 3, (110_050 * 16 * 4 / 3) + 80);
        Assert.True(sized > before);
        for (int i = 100; i < 200_100; i++)
        {
            pipeline.Add(Record(i, $"p{i}@example.com", i % 2 == 0 ? "VIP" : "Other"), out _);
        }

        pipeline.Add(Record(200_100, "P0@example.com", "VIP"), out _);
        Assert.Equal(sized, pipeline.DuplicateTableBytes);
        var ledger = pipeline.Ledger;
        Assert.Equal((200_101L, 100_050L, 1L, 100_050L), (ledger.InputCount, ledger.OutOfSegmentCount, ledger.DuplicateCount, ledger.SubmittedCount));
    }

    [Fact]
    public void Whole_input_segment_overrides_the_property_and_no_segment_at_all_is_refused()
    {
        var sink = new MemoryBatchSink();
        var pipeline = new ProfilePipeline(Mapping, new[] { "vip" }, new ImportBatchWriter(ListIds, sink), null);
        Assert.Equal(ProfileOutcome.Submitted, pipeline.Add(Record(1, "a@example.com", "Other"), out _));
        var outside = new ProfilePipeline(Mapping, new[] { "Other" }, new ImportBatchWriter(ListIds, sink), null);
        Assert.Equal(ProfileOutcome.OutOfSegment, outside.Add(Record(1, "a@example.com", "VIP"), out _));
        var noSegmentField = new ExportMapping("Email", segments: new[] { "VIP" });
        Assert.Throws<ArgumentException>(() => new ProfilePipeline(noSegmentField, null, new ImportBatchWriter(ListIds, sink), null));
    }

    [Fact]
    public void Ledger_is_exact_for_random_inputs()
    {
        // Random mixes of valid, invalid, duplicate and out-of-segment profiles: the counts add up, and the
        // bodies hold exactly the first valid in-segment profile of each distinct address.
        var gen = Gen.Select(Gen.Int[0, 40], Gen.Int[0, 3], Gen.Int[0, 2]).Array[0, 400];
        gen.Sample(rows =>
        {
            var sink = new MemoryBatchSink();
            var pipeline = new ProfilePipeline(Mapping, null, new ImportBatchWriter(ListIds, sink, new ImportBatchLimits(MaxContacts: 7)), null);
            var expected = new List<string>();
            var seen = new HashSet<string>();
            int n = 0;
            foreach ((int who, int kind, int seg) in rows)
            {
                string email = kind == 0 ? $"bad{who}" : $"P{who}@Example.com";
                bool inSegment = seg != 0;
                pipeline.Add(Record(++n, email, inSegment ? "VIP" : "Other"), out _);
                if (inSegment && kind != 0 && seen.Add(email.ToLowerInvariant()))
                {
                    expected.Add($"P{who}@example.com");
                }
            }

            pipeline.Complete();
            var l = pipeline.Ledger;
            Assert.Equal(rows.Length, l.InputCount);
            Assert.Equal(l.InputCount, l.OutOfSegmentCount + l.InvalidCount + l.DuplicateCount + l.SubmittedCount);
            var sent = sink.Bodies.SelectMany(b => JsonDocument.Parse(b).RootElement.GetProperty("import_data").EnumerateArray().Select(c => c.GetProperty("email").GetString()!)).ToList();
            Assert.Equal(expected, sent);
            Assert.Equal(expected.Count, l.SubmittedCount);
        }, iter: 200);
    }
}
