using System;
using System.Diagnostics;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Engine.Tests.Profiles;

public sealed class SegmentAndDuplicateTests
{
    private readonly SegmentMatcher matcher = new(new[] { "VIP", "Newsletter" });

    [Theory]
    [InlineData("vip", true)]
    [InlineData(" Newsletter ", true)]
    [InlineData("Other;VIP", true)]
    [InlineData("Other, newsletter", true)]
    [InlineData("Other", false)]
    [InlineData("", false)]
    [InlineData("VIPs", false)]
    public void Text_segments_split_on_semicolon_and_comma(string value, bool member) =>
        Assert.Equal(member, matcher.IsMember(SourceValue.FromText(value)));

    [Fact]
    public void List_segments_and_absent_values()
    {
        Assert.True(matcher.IsMember(SourceValue.FromList(new[] { "x", "VIP" })));
        Assert.False(matcher.IsMember(SourceValue.FromList(Array.Empty<string>())));
        Assert.False(matcher.IsMember(SourceValue.Null));
        Assert.False(matcher.IsMember(SourceValue.Missing));
    }

    [Fact]
    public void Duplicates_are_found_after_trimming_and_without_regard_to_case()
    {
        var dedupe = new EmailDeduplicator();
        Assert.True(dedupe.Add("Ada@Example.com"));
        Assert.False(dedupe.Add(" ada@example.COM "));
        Assert.True(dedupe.Add("ada2@example.com"));
        Assert.Equal(2, dedupe.Count);
    }

    [Fact]
    public void A_million_addresses_stay_exact_and_small()
    {
        var dedupe = new EmailDeduplicator();
        for (int i = 0; i < 1_000_000; i++)
        {
            Assert.True(dedupe.Add($"person{i}@example.com"));
        }

        for (int i = 0; i < 1_000_000; i += 997)
        {
            Assert.False(dedupe.Add($"PERSON{i}@example.com"));
        }

        Assert.Equal(1_000_000, dedupe.Count);
        // 16 bytes of hash a slot; grown by doubling, 2,097,152 slots for a million: 32 MiB, against ~100 MiB of strings.
        Assert.True(dedupe.AllocatedBytes <= 36 * 1024 * 1024, $"{dedupe.AllocatedBytes} bytes");
    }

    [Fact]
    public void A_table_sized_up_front_holds_what_it_was_asked_for_without_growing()
    {
        var dedupe = new EmailDeduplicator();
        Assert.True(dedupe.Add("first@example.com"));
        dedupe.EnsureCapacity(1_000_000);
        long sized = dedupe.AllocatedBytes;
        Assert.True(sized <= 22_000_000, $"{sized} bytes");
        Assert.False(dedupe.Add("FIRST@example.com"));
        for (int i = 1; i < 1_000_000; i++)
        {
            Assert.True(dedupe.Add($"person{i}@example.com"));
        }

        Assert.False(dedupe.Add("person999999@EXAMPLE.com"));
        Assert.Equal(sized, dedupe.AllocatedBytes);
        Assert.Equal(1_000_000, dedupe.Count);

        // Asking for less changes nothing; more addresses than asked for still fit (the table grows).
        dedupe.EnsureCapacity(10);
        Assert.Equal(sized, dedupe.AllocatedBytes);
        for (int i = 0; i < 100_000; i++)
        {
            Assert.True(dedupe.Add($"more{i}@example.com"));
        }

        Assert.Equal(1_100_000, dedupe.Count);
        Assert.True(dedupe.AllocatedBytes > sized);
        Assert.False(dedupe.Add(" MORE99999@example.com "));
    }
}
