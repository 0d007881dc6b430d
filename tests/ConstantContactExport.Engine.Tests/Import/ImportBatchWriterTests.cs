using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;
using CsCheck;

namespace ConstantContactExport.Engine.Tests.Import;

public sealed class ImportBatchWriterTests
{
    private static readonly string[] ListIds = { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a", "9b2c1a3e-0000-4000-8000-000000000001" };

    private static readonly ContactField[] TextFields =
    {
        ContactFieldCatalog.Get("first_name"),
        ContactFieldCatalog.Get("last_name"),
        ContactFieldCatalog.Get("street"),
        ContactFieldCatalog.Get("city"),
        ContactFieldCatalog.Parse("cf:loyalty_tier"),
        ContactFieldCatalog.Parse("cf:notes"),
    };

    // Text that is cheap (ASCII), dear (3-byte CJK) and dearest to escape ("\"\\ and 4-byte surrogate pairs).
    private static readonly Gen<char> AnyChar = Gen.Frequency(
        (6, Gen.Char['a', 'z']),
        (2, Gen.Char['\u4e00', '\u9fff']),
        (1, Gen.OneOfConst('"', '\\', '/', '<', '&', '\u00e9', '\u2028')));

    private static readonly Gen<string> Emoji = Gen.Int[0x1F300, 0x1F64F].Select(char.ConvertFromUtf32);

    private static Gen<string> TextUpTo(int max) =>
        Gen.Frequency(
            (3, Gen.String[AnyChar, 1, Math.Min(max, 20)]),
            (1, Gen.String[AnyChar, max, max]), // the longest allowed value
            (1, Emoji.Array[1, max / 2].Select(parts => string.Concat(parts))));

    // Each field present or not, its value anything from one character to the longest allowed.
    private static readonly Gen<ImportContactData> ContactGen =
        TextFields.Aggregate(
            Gen.String[Gen.Char['a', 'z'], 1, 60].Select(local => new ImportContactData(local + "@example.com", new())),
            (gen, field) => gen.SelectMany(contact => Gen.Bool.SelectMany(present => present
                ? TextUpTo(field.MaxLength).Select(value => contact with { Fields = contact.Fields.Append((field.Name, value)).ToList() })
                : Gen.Const(contact))));

    [Fact]
    public void Bodies_stay_within_both_bounds_and_keep_every_contact_once_in_order()
    {
        Gen.Select(ContactGen.List[0, 300], Gen.Int[1, 60], Gen.Int[12_000, 60_000])
            .Sample((contacts, maxContacts, maxBytes) =>
            {
                var limits = new ImportBatchLimits(maxContacts, maxBytes);
                AssertBatches(contacts, limits);
            }, iter: 300);
    }

    [Fact]
    public void Default_bounds_hold_for_large_contacts_with_multibyte_text()
    {
        // Few iterations: each sample writes up to ~4 MB.
        ContactGen.List[2_000, 6_000].Sample(contacts => AssertBatches(contacts, ImportBatchLimits.Default), iter: 4);
    }

    [Fact]
    public void Contact_bound_closes_a_body_at_exactly_the_bound()
    {
        var contacts = Enumerable.Range(0, 95).Select(i => new ImportContactData($"p{i}@example.com", new())).ToList();
        var sink = AssertBatches(contacts, new ImportBatchLimits(MaxContacts: 40, MaxBodyBytes: 100_000));
        Assert.Equal(new[] { 40, 40, 15 }, sink.Select(Count));
    }

    [Fact]
    public void Byte_bound_is_never_passed_by_one_byte()
    {
        // Contacts of a fixed size, so the body that exactly fits is known: the writer must use all of it.
        var contacts = Enumerable.Range(0, 120).Select(i => new ImportContactData($"p{i:D4}@example.com", new())).ToList();
        int oneContact = Encoding.UTF8.GetByteCount("{\"email\":\"p0000@example.com\"}");
        int envelope = Encoding.UTF8.GetByteCount($"{{\"import_data\":[],\"list_ids\":[\"{ListIds[0]}\",\"{ListIds[1]}\"]}}");
        int exactlyForty = envelope + (40 * oneContact) + 39;
        Assert.True(exactlyForty >= 1024, "the test assumes forty contacts exceed the smallest allowed bound");
        var sink = AssertBatches(contacts, new ImportBatchLimits(MaxContacts: 40_000, MaxBodyBytes: exactlyForty));
        Assert.Equal(new[] { 40, 40, 40 }, sink.Select(Count));
        Assert.All(sink, body => Assert.Equal(exactlyForty, body.Length));

        // One byte less, and each body holds one contact fewer.
        sink = AssertBatches(contacts, new ImportBatchLimits(MaxContacts: 40_000, MaxBodyBytes: exactlyForty - 1));
        Assert.Equal(39, Count(sink[0]));
    }

    [Fact]
    public void No_contacts_make_no_body()
    {
        var sink = new MemoryBatchSink();
        var writer = new ImportBatchWriter(ListIds, sink);
        writer.Complete();
        Assert.Empty(sink.Bodies);
        Assert.Equal(0, writer.BatchCount);
    }

    [Fact]
    public void Default_bound_is_under_four_million_bytes_with_a_margin()
    {
        Assert.Equal(40_000, ImportBatchLimits.Default.MaxContacts);
        Assert.True(ImportBatchLimits.Default.MaxBodyBytes < 4_000_000);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImportBatchWriter(ListIds, new MemoryBatchSink(), new ImportBatchLimits(40_001)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImportBatchWriter(ListIds, new MemoryBatchSink(), new ImportBatchLimits(MaxBodyBytes: 4_000_000)));
    }

    [Fact]
    public void List_ids_are_one_to_fifty()
    {
        Assert.Throws<ArgumentException>(() => new ImportBatchWriter(Array.Empty<string>(), new MemoryBatchSink()));
        Assert.Throws<ArgumentException>(() => new ImportBatchWriter(Enumerable.Range(0, 51).Select(i => Guid.NewGuid().ToString()).ToArray(), new MemoryBatchSink()));
    }

    [Fact]
    public void Birthday_month_and_day_are_json_numbers_as_the_schema_types_them()
    {
        var sink = new MemoryBatchSink();
        var writer = new ImportBatchWriter(ListIds, sink);
        var contact = new ImportContact();
        contact.Reset("ada@example.com");
        contact.Add(ContactFieldCatalog.Get("first_name"), "12");
        contact.Add(ContactFieldCatalog.Get("birthday_month"), "05");
        contact.Add(ContactFieldCatalog.Get("birthday_day"), "9");
        writer.Add(contact);
        writer.Complete();

        string body = Encoding.UTF8.GetString(Assert.Single(sink.Bodies));
        Assert.StartsWith(
            "{\"import_data\":[{\"email\":\"ada@example.com\",\"first_name\":\"12\",\"birthday_month\":5,\"birthday_day\":9}]",
            body, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(body);
        JsonElement written = doc.RootElement.GetProperty("import_data")[0];
        Assert.Equal(JsonValueKind.Number, written.GetProperty("birthday_month").ValueKind);
        Assert.Equal(JsonValueKind.Number, written.GetProperty("birthday_day").ValueKind);
    }

    private static int Count(byte[] body)
    {
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("import_data").GetArrayLength();
    }

    private static List<byte[]> AssertBatches(IReadOnlyList<ImportContactData> contacts, ImportBatchLimits limits)
    {
        var sink = new MemoryBatchSink();
        var writer = new ImportBatchWriter(ListIds, sink, limits);
        var contact = new ImportContact();
        foreach (ImportContactData data in contacts)
        {
            contact.Reset(data.Email);
            foreach ((string name, string value) in data.Fields)
            {
                contact.Add(ContactFieldCatalog.Parse(name), value);
            }

            writer.Add(contact);
        }

        writer.Complete();

        var seen = new List<ImportContactData>();
        foreach (byte[] body in sink.Bodies)
        {
            Assert.True(body.Length <= limits.MaxBodyBytes, $"a body of {body.Length} bytes passes the bound of {limits.MaxBodyBytes}");
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement data = doc.RootElement.GetProperty("import_data");
            Assert.InRange(data.GetArrayLength(), 1, limits.MaxContacts);
            Assert.Equal(ListIds, doc.RootElement.GetProperty("list_ids").EnumerateArray().Select(e => e.GetString()!));
            foreach (JsonElement element in data.EnumerateArray())
            {
                var props = element.EnumerateObject().ToList();
                Assert.Equal("email", props[0].Name);
                seen.Add(new ImportContactData(props[0].Value.GetString()!, props.Skip(1).Select(p => (p.Name, p.Value.GetString()!)).ToList()));
            }
        }

        Assert.Equal(contacts.Count, seen.Count);
        for (int i = 0; i < contacts.Count; i++)
        {
            Assert.Equal(contacts[i].Email, seen[i].Email);
            Assert.Equal(contacts[i].Fields, seen[i].Fields);
        }

        Assert.Equal(sink.Bodies.Count, writer.BatchCount);
        Assert.Equal(contacts.Count, writer.ContactCount);
        return sink.Bodies;
    }

    internal sealed record ImportContactData(string Email, List<(string Name, string Value)> Fields);
}
