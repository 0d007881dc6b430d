using System.Collections.Generic;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Tests.Import;

namespace ConstantContactExport.Engine.Tests.Staging;

/// <summary>
/// <see cref="ProfilePipeline.RunListsOf"/>: the one answer to "which of the run's lists does this profile go to",
/// with and without per-segment lists, for a segment property and for a whole input's segments.
/// </summary>
public sealed class RunListsOfTests
{
    private static readonly string[] RunLists = { "gold-list", "silver-list", "news-list" };

    private static readonly ExportMapping Mapping = new("Email", segmentField: "Segments", segments: new[] { "Gold", "Silver", "News" });

    private static readonly List<ListMapEntry> Map = new()
    {
        new ListMapEntry { Segment = "Gold", ListId = "gold-list" },
        new ListMapEntry { Segment = "Silver", ListId = "silver-list" },
        new ListMapEntry { Segment = "News", ListId = "news-list" },
        new ListMapEntry { Segment = "Platinum", ListId = "gold-list" },
    };

    private static ProfilePipeline Pipeline(IReadOnlyList<ListMapEntry>? map, IReadOnlyList<string>? inputSegments = null) =>
        new(Mapping, inputSegments, new ImportBatchWriter(RunLists, new MemoryBatchSink()), null, null, Engine.Staging.RunLists.BySegment(RunLists, map));

    private static ProfileRecord Record(SourceValue segments)
    {
        var record = new ProfileRecord(Mapping.SourceFields.Count);
        record.Values[Mapping.EmailIndex] = SourceValue.FromText("a@example.com");
        record.Values[Mapping.SegmentIndex] = segments;
        return record;
    }

    [Theory]
    [InlineData("Gold", 0b001UL)]
    [InlineData(" silver ", 0b010UL)]
    [InlineData("Gold;News", 0b101UL)]
    [InlineData("platinum, gold", 0b001UL)]
    [InlineData("Bronze", 0UL)]
    [InlineData("", 0UL)]
    public void With_a_map_a_profile_goes_to_the_lists_of_its_segments(string segments, ulong expected)
    {
        Assert.Equal(expected, Pipeline(Map).RunListsOf(Record(SourceValue.FromText(segments)), out ProfileIssue? issue));
        Assert.Null(issue);
    }

    [Fact]
    public void Without_a_map_a_member_goes_to_every_list_and_anyone_else_to_none()
    {
        ProfilePipeline pipeline = Pipeline(null);
        Assert.Equal(0b111UL, pipeline.RunListsOf(Record(SourceValue.FromText("silver")), out _));
        Assert.Equal(0UL, pipeline.RunListsOf(Record(SourceValue.FromText("Bronze")), out _));
    }

    [Fact]
    public void A_whole_inputs_segments_give_every_profile_their_lists()
    {
        Assert.Equal(0b011UL, Pipeline(Map, new[] { "Silver", "Platinum" }).RunListsOf(Record(SourceValue.Missing), out _));
        Assert.Equal(0b111UL, Pipeline(null, new[] { "News" }).RunListsOf(Record(SourceValue.Missing), out _));
        Assert.Equal(0UL, Pipeline(Map, new[] { "Bronze" }).RunListsOf(Record(SourceValue.Missing), out _));
    }

    [Fact]
    public void A_record_that_cannot_be_trusted_for_its_segment_goes_nowhere_and_says_why()
    {
        ProfileRecord unread = Record(SourceValue.FromText("Gold"));
        unread.ReadIssue = new ProfileIssue(RejectReason.MalformedRow, null, "cut short");
        Assert.Equal(0UL, Pipeline(Map).RunListsOf(unread, out ProfileIssue? issue));
        Assert.Equal(RejectReason.MalformedRow, issue!.Reason);

        Assert.Equal(0UL, Pipeline(Map).RunListsOf(Record(SourceValue.NotText("Hashtable")), out issue));
        Assert.Equal(RejectReason.FieldNotText, issue!.Reason);
        Assert.Equal(0b101UL, Pipeline(Map).RunListsOf(Record(SourceValue.FromList(new[] { "News", "Gold" })), out issue));
        Assert.Null(issue);
    }
}
