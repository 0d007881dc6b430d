using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Mapping;

namespace ConstantContactExport.Engine.Tests.Import;

/// <summary>
/// Per-segment lists in the writer: one open body per list set, each within its bounds and naming only its lists,
/// numbered as finished, at most <see cref="ImportBatchWriter.MaxOpenBodies"/> open at once.
/// </summary>
public sealed class ImportBatchWriterListSetTests
{
    private static readonly string[] Lists = { "list-a", "list-b", "list-c" };

    [Fact]
    public void Contacts_of_each_list_set_go_into_bodies_of_their_own_each_within_the_contact_bound()
    {
        var sink = new NumberedSink();
        var writer = new ImportBatchWriter(Lists, sink, new ImportBatchLimits(MaxContacts: 4));
        var sets = new ulong[] { 1, 2, 1 | 4, 1, 2 };
        for (int i = 0; i < 30; i++)
        {
            writer.Add(Contact($"p{i}@example.com"), sets[i % sets.Length]);
        }

        writer.Complete();

        Assert.Equal(Enumerable.Range(1, writer.BatchCount), writer.Batches.Select(b => b.Number));
        Assert.Equal(Enumerable.Range(1, writer.BatchCount), sink.Completed);
        Assert.All(writer.Batches, b => Assert.InRange(b.ContactCount, 1, 4));
        Assert.Equal(new long[] { 12, 12, 6 }, new ulong[] { 1, 2, 5 }.Select(set => writer.Batches.Where(b => b.Lists == set).Sum(b => (long)b.ContactCount)));
        foreach (ImportBatch batch in writer.Batches)
        {
            using JsonDocument body = JsonDocument.Parse(sink.Bodies[batch.Number]);
            string[] named = body.RootElement.GetProperty("list_ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
            Assert.Equal(Lists.Where((_, i) => (batch.Lists & (1UL << i)) != 0), named);
            Assert.Equal(batch.ContactCount, body.RootElement.GetProperty("import_data").GetArrayLength());
            Assert.Equal(batch.BodyBytes, sink.Bodies[batch.Number].Length);
        }

        // p0, p3 (set 1) and p1 ... p4: each contact of a set is in a body of that set.
        Assert.Contains("\"p2@example.com\"", Encoding.UTF8.GetString(sink.Bodies[writer.Batches.First(b => b.Lists == 5).Number]), StringComparison.Ordinal);
    }

    [Fact]
    public void The_byte_bound_is_kept_per_list_set_with_its_own_envelope()
    {
        var sink = new NumberedSink();
        var limits = new ImportBatchLimits(MaxContacts: 40_000, MaxBodyBytes: 1024);
        var writer = new ImportBatchWriter(Lists, sink, limits);
        for (int i = 0; i < 200; i++)
        {
            writer.Add(Contact($"someone.with.a.longer.address{i}@example.com"), i % 2 == 0 ? 1UL : 7UL);
        }

        writer.Complete();
        Assert.All(writer.Batches, b => Assert.InRange(b.BodyBytes, 1, 1024));
        Assert.Equal(200, writer.Batches.Sum(b => b.ContactCount));
        Assert.All(sink.Bodies.Values, body => JsonDocument.Parse(body).Dispose());
    }

    [Fact]
    public void Past_the_most_open_bodies_the_one_used_least_recently_is_closed_and_no_contact_is_lost()
    {
        string[] fifty = Enumerable.Range(0, 50).Select(i => $"l{i}").ToArray();
        var sink = new NumberedSink();
        var writer = new ImportBatchWriter(fifty, sink);
        for (int i = 0; i < ImportBatchWriter.MaxOpenBodies + 3; i++)
        {
            writer.Add(Contact($"p{i}@example.com"), 1UL << i);
            Assert.True(sink.Open <= ImportBatchWriter.MaxOpenBodies);
        }

        Assert.Equal(3, writer.BatchCount);
        Assert.Equal(new ulong[] { 1, 2, 4 }, writer.Batches.Select(b => b.Lists));
        writer.Complete();
        Assert.Equal(ImportBatchWriter.MaxOpenBodies + 3, writer.Batches.Count);
        Assert.Equal(0, sink.Open);
    }

    [Fact]
    public void Lists_outside_the_writers_or_none_are_refused()
    {
        var writer = new ImportBatchWriter(Lists, new NumberedSink());
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add(Contact("a@example.com"), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add(Contact("a@example.com"), 8));
    }

    private static ImportContact Contact(string email)
    {
        var contact = new ImportContact();
        contact.Reset(email);
        contact.Add(ContactFieldCatalog.Get("first_name"), "Ada");
        return contact;
    }

    /// <summary>Keeps each body by its number, and counts the bodies open.</summary>
    private sealed class NumberedSink : IImportBatchSink
    {
        public Dictionary<int, byte[]> Bodies { get; } = new();

        public List<int> Completed { get; } = new();

        public int Open { get; private set; }

        Stream IImportBatchSink.Open(int slot)
        {
            Open++;
            return new MemoryStream();
        }

        public void Complete(ImportBatch batch, Stream stream)
        {
            Open--;
            Completed.Add(batch.Number);
            Bodies.Add(batch.Number, ((MemoryStream)stream).ToArray());
        }
    }
}
