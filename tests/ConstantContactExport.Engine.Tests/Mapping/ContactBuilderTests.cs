using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Engine.Tests.Mapping;

public sealed class ContactBuilderTests
{
    private static readonly ExportMapping Mapping = new(
        "Email", "First", "Last",
        new Dictionary<string, string>
        {
            ["job_title"] = "Title", ["street"] = "Street", ["phone"] = "Phone", ["work_phone"] = "WorkPhone",
            ["mobile_phone"] = "Mobile", ["home_phone"] = "HomePhone", ["birthday_month"] = "BMonth", ["birthday_day"] = "BDay",
            ["anniversary"] = "Anniversary", ["cf:loyalty_tier"] = "Tier",
        },
        segmentField: "Segments", segments: new[] { "VIP" });

    private static ProfileIssue? Build(Dictionary<string, string?> values, out ImportContact contact, out string? email)
    {
        var sourceValues = Mapping.SourceFields
            .Select(f => values.TryGetValue(f, out string? v) ? (v is null ? SourceValue.Null : SourceValue.FromText(v)) : SourceValue.Missing)
            .ToArray();
        contact = new ImportContact();
        return new ContactBuilder(Mapping).Build(sourceValues, out email, contact);
    }

    [Fact]
    public void Maps_trimmed_values_and_leaves_out_blank_and_null_ones()
    {
        var issue = Build(new() { ["Email"] = "  Ada@Example.COM ", ["First"] = " Ada ", ["Last"] = "", ["Title"] = null, ["Tier"] = "Gold" }, out var contact, out var email);
        Assert.Null(issue);
        Assert.Equal("Ada@example.com", email);
        Assert.Equal("Ada@example.com", contact.Email);
        Assert.Equal(new[] { ("first_name", "Ada"), ("cf:loyalty_tier", "Gold") }, contact.Fields.Select(f => (f.Key.Name, f.Value)));
    }

    [Theory]
    [InlineData("First", 50)]
    [InlineData("Last", 50)]
    [InlineData("Title", 50)]
    [InlineData("Street", 255)]
    [InlineData("Tier", 255)]
    [InlineData("Phone", 50)]
    public void A_value_over_the_field_limit_is_invalid_and_at_the_limit_is_kept(string property, int limit)
    {
        string digits = new string('1', limit);
        Assert.Null(Build(new() { ["Email"] = "a@example.com", [property] = digits }, out _, out _));
        var issue = Build(new() { ["Email"] = "a@example.com", [property] = digits + "1" }, out _, out _);
        Assert.NotNull(issue);
        Assert.Equal(RejectReason.FieldTooLong, issue!.Reason);
        Assert.Contains(limit.ToString(), issue.Message);
        Assert.Equal(Mapping.Fields.Single(f => f.Property == property).Field.Name, issue.Field);
    }

    [Fact]
    public void Length_counts_utf16_units_so_nothing_that_passes_can_be_cut()
    {
        // 26 emoji are 26 characters to a person and 52 UTF-16 units: refused for a 50-character field.
        string emoji = string.Concat(Enumerable.Repeat("\U0001F600", 26));
        Assert.Equal(RejectReason.FieldTooLong, Build(new() { ["Email"] = "a@example.com", ["First"] = emoji }, out _, out _)!.Reason);
    }

    [Theory]
    [InlineData(50, null)]
    [InlineData(51, RejectReason.EmailTooLongForImport)]
    [InlineData(80, RejectReason.EmailTooLongForImport)]
    [InlineData(81, RejectReason.EmailInvalid)] // past what Constant Contact keeps at all
    public void Addresses_over_the_import_schema_s_50_characters_are_their_own_reject(int length, RejectReason? reason)
    {
        // A 40-character local part (under RFC 5321's 64) and a domain that makes up the rest.
        string address = new string('a', 40) + "@" + new string('b', length - 45) + ".com";
        Assert.Equal(length, address.Length);
        var issue = Build(new() { ["Email"] = address }, out var contact, out var email);
        Assert.Equal(reason, issue?.Reason);
        if (issue is null)
        {
            Assert.Equal(address, email);
            Assert.Equal(address, contact.Email);
        }
        else
        {
            Assert.Null(email);
            Assert.Equal("email", issue.Field);
        }

        if (reason == RejectReason.EmailTooLongForImport)
        {
            // The length, not the address.
            Assert.DoesNotContain(address, issue!.Message, System.StringComparison.Ordinal);
            Assert.Contains($"{length} characters", issue!.Message, System.StringComparison.Ordinal);
            Assert.Contains("at most 50", issue.Message, System.StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null, RejectReason.EmailMissing)]
    [InlineData("   ", RejectReason.EmailMissing)]
    [InlineData("not-an-address", RejectReason.EmailInvalid)]
    public void Email_problems_have_their_reason(string? email, RejectReason reason)
    {
        var values = new Dictionary<string, string?> { ["Email"] = email };
        Assert.Equal(reason, Build(values, out _, out _)!.Reason);
    }

    [Fact]
    public void A_missing_email_property_is_email_missing()
    {
        Assert.Equal(RejectReason.EmailMissing, Build(new() { ["First"] = "Ada" }, out _, out _)!.Reason);
    }

    [Theory]
    [InlineData("Ada\nLovelace", RejectReason.InvalidCharacters)]
    [InlineData("Ada\u0000", RejectReason.InvalidCharacters)]
    [InlineData("Ada\tL", RejectReason.InvalidCharacters)]
    public void Control_characters_and_broken_surrogates_are_invalid(string first, RejectReason reason)
    {
        Assert.Equal(reason, Build(new() { ["Email"] = "a@example.com", ["First"] = first }, out _, out _)!.Reason);
    }

    [Fact]
    public void Broken_surrogates_are_invalid_encoding()
    {
        // Built at run time: attribute arguments cannot carry lone surrogates (the compiler replaces them).
        foreach (string first in new[] { "Ada" + (char)0xD800, (char)0xDC00 + "Ada", "A" + (char)0xDBFF + "b" })
        {
            Assert.Equal(RejectReason.InvalidEncoding, Build(new() { ["Email"] = "a@example.com", ["First"] = first }, out _, out _)!.Reason);
        }

        Assert.Null(Build(new() { ["Email"] = "a@example.com", ["First"] = "Ada \U0001F600" }, out _, out _));
    }

    [Fact]
    public void More_than_three_phone_numbers_are_invalid()
    {
        var values = new Dictionary<string, string?> { ["Email"] = "a@example.com", ["Phone"] = "555-0100", ["WorkPhone"] = "555-0101", ["Mobile"] = "555-0102" };
        Assert.Null(Build(values, out _, out _));
        values["HomePhone"] = "555-0103";
        var issue = Build(values, out _, out _);
        Assert.Equal(RejectReason.FieldInvalid, issue!.Reason);
        Assert.Equal("home_phone", issue.Field);
    }

    [Fact]
    public void A_phone_without_digits_is_invalid()
    {
        Assert.Equal(RejectReason.FieldInvalid, Build(new() { ["Email"] = "a@example.com", ["Phone"] = "call me" }, out _, out _)!.Reason);
    }

    [Theory]
    [InlineData("12", "31", true)]
    [InlineData("1", "1", true)]
    [InlineData("13", "1", false)]
    [InlineData("0", "1", false)]
    [InlineData("1", "32", false)]
    [InlineData("1", null, false)]
    [InlineData(null, "5", false)]
    [InlineData("June", "5", false)]
    public void Birthday_needs_month_and_day_in_range(string? month, string? day, bool valid)
    {
        var issue = Build(new() { ["Email"] = "a@example.com", ["BMonth"] = month, ["BDay"] = day }, out _, out _);
        Assert.Equal(valid, issue is null);
    }

    [Theory]
    [InlineData("12/31/2020", true)]
    [InlineData("1/2/2020", true)]
    [InlineData("2020/12/31", true)]
    [InlineData("2020-1-2", true)]
    [InlineData("1-02-2020", true)]
    [InlineData("31/12/2020", false)]
    [InlineData("2020.12.31", false)]
    [InlineData("12/31/20", false)]
    [InlineData("yesterday", false)]
    public void Anniversary_takes_the_documented_forms(string value, bool valid)
    {
        var issue = Build(new() { ["Email"] = "a@example.com", ["Anniversary"] = value }, out _, out _);
        Assert.Equal(valid, issue is null);
    }

    [Fact]
    public void More_than_25_custom_field_values_are_invalid()
    {
        var attributes = Enumerable.Range(1, 26).ToDictionary(i => $"cf:f{i}", i => $"P{i}");
        var mapping = new ExportMapping("Email", attributes: attributes, segments: new[] { "s" }, segmentField: "Seg");
        SourceValue[] Values(int filled) => mapping.SourceFields
            .Select((f, i) => f == "Email" ? SourceValue.FromText("a@example.com") : (f.StartsWith('P') && int.Parse(f[1..]) <= filled ? SourceValue.FromText("x") : SourceValue.Missing))
            .ToArray();
        var builder = new ContactBuilder(mapping);
        Assert.Null(builder.Build(Values(25), out _, new ImportContact()));
        Assert.Equal(RejectReason.TooManyCustomFields, builder.Build(Values(26), out _, new ImportContact())!.Reason);
    }

    [Fact]
    public void Lists_and_objects_where_text_is_wanted_are_invalid()
    {
        var values = Mapping.SourceFields.Select(f => f == "Email" ? SourceValue.FromText("a@example.com") : SourceValue.Missing).ToArray();
        values[Mapping.SourceFields.ToList().IndexOf("First")] = SourceValue.FromList(new[] { "a", "b" });
        Assert.Equal(RejectReason.FieldNotText, new ContactBuilder(Mapping).Build(values, out _, new ImportContact())!.Reason);
        values[Mapping.SourceFields.ToList().IndexOf("First")] = SourceValue.NotText("hashtable");
        var issue = new ContactBuilder(Mapping).Build(values, out _, new ImportContact());
        Assert.Equal(RejectReason.FieldNotText, issue!.Reason);
        Assert.Contains("hashtable", issue.Message);
        values[Mapping.EmailIndex] = SourceValue.NotText("nested object");
        Assert.Equal(RejectReason.FieldNotText, new ContactBuilder(Mapping).Build(values, out _, new ImportContact())!.Reason);
    }
}
