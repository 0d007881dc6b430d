using System;
using System.Collections.Generic;
using ConstantContactExport.Engine.Mapping;

namespace ConstantContactExport.Engine.Tests.Mapping;

public sealed class ExportMappingTests
{
    [Fact]
    public void Source_fields_are_distinct_without_regard_to_case_and_in_a_fixed_order()
    {
        var mapping = new ExportMapping("Email", "Name", "name", new Dictionary<string, string> { ["cf:tier"] = "EMAIL" }, "Segs", new[] { "A", "a", " B " });
        Assert.Equal(new[] { "Email", "Name", "Segs" }, mapping.SourceFields);
        Assert.Equal(0, mapping.EmailIndex);
        Assert.Equal(2, mapping.SegmentIndex);
        Assert.Equal(new[] { "A", "B" }, mapping.Segments);
    }

    [Theory]
    [InlineData("jobtitle")]
    [InlineData("email")]
    [InlineData("cf:")]
    [InlineData("cf:has space")]
    [InlineData("home_country")]
    public void Unknown_or_unusable_fields_are_refused_with_the_list(string field)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ExportMapping("Email", attributes: new Dictionary<string, string> { [field] = "X" }, segments: new[] { "s" }));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Field_names_are_taken_without_regard_to_case()
    {
        var mapping = new ExportMapping("Email", attributes: new Dictionary<string, string> { ["Job_Title"] = "T" }, segments: new[] { "s" });
        Assert.Equal("job_title", Assert.Single(mapping.Fields).Field.Name);
    }

    [Fact]
    public void Two_fields_for_one_address_part_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ExportMapping("Email", attributes: new Dictionary<string, string> { ["street"] = "A", ["home_street"] = "B" }, segments: new[] { "s" }));
        Assert.Throws<ArgumentException>(() => new ExportMapping("Email", attributes: new Dictionary<string, string> { ["first_name"] = "A" }, firstNameField: "F", segments: new[] { "s" }));
        _ = new ExportMapping("Email", attributes: new Dictionary<string, string> { ["street"] = "A", ["work_street"] = "B" }, segments: new[] { "s" });
    }

    [Fact]
    public void Email_field_and_a_segment_are_required()
    {
        Assert.Throws<ArgumentException>(() => new ExportMapping(" ", segments: new[] { "s" }));
        Assert.Throws<ArgumentException>(() => new ExportMapping("Email", segments: new[] { " " }));
    }
}
