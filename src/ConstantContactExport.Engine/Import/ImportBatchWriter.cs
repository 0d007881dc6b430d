using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConstantContactExport.Engine.Import;

/// <summary>
/// Streams contacts into JSON import bodies, <c>{"import_data":[...],"list_ids":[...]}</c>, closing a body
/// before the next contact would take it past its contact or byte bound. Each contact is serialized once
/// with <see cref="Utf8JsonWriter"/> into a scratch buffer, so its exact size is known before it is placed;
/// the envelope is fixed, so a body's size is known to the byte while it is written.
/// <para>
/// A body has one <c>list_ids</c> for all its contacts, so contacts bound for different sets of lists (per-segment
/// lists) go into different bodies: one open body per distinct list set, each within the bounds, all closed by
/// <see cref="Complete"/>. Bodies are numbered as they are finished, so the numbers of finished bodies never have
/// gaps. At most <see cref="MaxOpenBodies"/> are open at once; a list set past that closes the one used least
/// recently (a smaller import, never a lost contact).
/// </para>
/// </summary>
public sealed class ImportBatchWriter
{
    /// <summary>Bodies open at once (a file and its 64 KB buffer each), whatever the number of list sets.</summary>
    public const int MaxOpenBodies = 32;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Not HTML: multi-byte text stays UTF-8 (2-4 bytes) instead of \uXXXX escapes (6-12 bytes).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };

    private static readonly byte[] Prefix = "{\"import_data\":["u8.ToArray();
    private static readonly byte[] Separator = ","u8.ToArray();

    private readonly ImportBatchLimits limits;
    private readonly IImportBatchSink sink;
    private readonly IReadOnlyList<string> listIds;
    private readonly Dictionary<ulong, byte[]> suffixes = new();
    private readonly Dictionary<ulong, OpenBody> open = new();
    private readonly MemoryStream scratch = new(1024);
    private readonly Utf8JsonWriter contactWriter;
    private int opened;
    private long uses;

    /// <param name="listIds">The lists a contact may go to (1 to 50); <see cref="Add(ImportContact, ulong)"/> picks among them.</param>
    /// <param name="sink">Where the bodies go.</param>
    /// <param name="limits">Body bounds; Constant Contact's by default.</param>
    public ImportBatchWriter(IReadOnlyList<string> listIds, IImportBatchSink sink, ImportBatchLimits? limits = null)
    {
        if (listIds is null || listIds.Count < 1 || listIds.Count > 50)
        {
            throw new ArgumentException("An import names 1 to 50 lists.", nameof(listIds));
        }

        this.limits = limits ?? ImportBatchLimits.Default;
        this.limits.Check();
        this.sink = sink ?? throw new ArgumentNullException(nameof(sink));
        this.listIds = listIds;
        AllLists = Staging.RunLists.All(listIds.Count);
        contactWriter = new Utf8JsonWriter(scratch, WriterOptions);
        if (Prefix.Length + SuffixOf(AllLists).Length >= this.limits.MaxBodyBytes)
        {
            throw new ArgumentException("The list ids alone fill the body.", nameof(listIds));
        }
    }

    /// <summary>Every list of the writer: bit i for list i.</summary>
    public ulong AllLists { get; }

    /// <summary>Bodies completed so far.</summary>
    public int BatchCount { get; private set; }

    /// <summary>Contacts written so far, in all bodies.</summary>
    public long ContactCount { get; private set; }

    /// <summary>Every completed body, in order.</summary>
    public List<ImportBatch> Batches { get; } = new();

    /// <summary>Writes one contact for every list.</summary>
    public void Add(ImportContact contact) => Add(contact, AllLists);

    /// <summary>
    /// Writes one contact into the open body of its list set (bit i: list i), first closing that body if the
    /// contact would not fit in it.
    /// </summary>
    public void Add(ImportContact contact, ulong lists)
    {
        if (lists == 0 || (lists & ~AllLists) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lists), lists, $"A contact goes to at least one of the {listIds.Count} list(s), and no other.");
        }

        scratch.SetLength(0);
        contactWriter.Reset(scratch);
        WriteContact(contactWriter, contact);
        contactWriter.Flush();
        var bytes = new ArraySegment<byte>(scratch.GetBuffer(), 0, (int)scratch.Length);
        open.TryGetValue(lists, out OpenBody? body);
        byte[] suffix = body?.Suffix ?? SuffixOf(lists);

        if (Prefix.Length + bytes.Count + suffix.Length > limits.MaxBodyBytes)
        {
            // Field limits keep a contact far below this (a few tens of KB at most); reaching it is a bug.
            throw new InvalidOperationException($"One contact serializes to {bytes.Count} bytes, more than a whole body may hold.");
        }

        if (body is not null
            && (body.Contacts == limits.MaxContacts
                || body.Bytes + Separator.Length + bytes.Count + suffix.Length > limits.MaxBodyBytes))
        {
            Close(body);
            body = null;
        }

        if (body is null)
        {
            if (open.Count == MaxOpenBodies)
            {
                Close(open.Values.OrderBy(b => b.LastUse).First());
            }

            body = new OpenBody(lists, sink.Open(++opened), suffix, opened);
            open.Add(lists, body);
            body.Stream.Write(Prefix, 0, Prefix.Length);
            body.Bytes = Prefix.Length;
        }
        else
        {
            body.Stream.Write(Separator, 0, Separator.Length);
            body.Bytes += Separator.Length;
        }

        body.Stream.Write(bytes.Array!, bytes.Offset, bytes.Count);
        body.Bytes += bytes.Count;
        body.Contacts++;
        body.LastUse = ++uses;
        ContactCount++;
    }

    /// <summary>Closes the open bodies, in the order they were opened. Call once, after the last contact.</summary>
    public void Complete()
    {
        foreach (OpenBody body in open.Values.OrderBy(b => b.Slot).ToList())
        {
            Close(body);
        }
    }

    private void Close(OpenBody body)
    {
        body.Stream.Write(body.Suffix, 0, body.Suffix.Length);
        body.Bytes += body.Suffix.Length;
        open.Remove(body.Lists);
        var batch = new ImportBatch(BatchCount + 1, body.Contacts, body.Bytes, body.Lists);
        sink.Complete(batch, body.Stream);
        Batches.Add(batch);
        BatchCount++;
    }

    /// <summary>The bytes that close a body for <paramref name="lists"/>: <c>],"list_ids":[...]}</c>.</summary>
    private byte[] SuffixOf(ulong lists)
    {
        if (!suffixes.TryGetValue(lists, out byte[]? suffix))
        {
            suffix = BuildSuffix(listIds.Where((_, i) => (lists & (1UL << i)) != 0).ToList());
            suffixes.Add(lists, suffix);
        }

        return suffix;
    }

    private static void WriteContact(Utf8JsonWriter writer, ImportContact contact)
    {
        writer.WriteStartObject();
        writer.WriteString("email", contact.Email);

        // By index: foreach over the IReadOnlyList would box an enumerator for every contact.
        IReadOnlyList<KeyValuePair<Mapping.ContactField, string>> fields = contact.Fields;
        for (int i = 0; i < fields.Count; i++)
        {
            KeyValuePair<Mapping.ContactField, string> field = fields[i];
            if (field.Key.Kind is Mapping.ContactFieldKind.BirthdayMonth or Mapping.ContactFieldKind.BirthdayDay)
            {
                // The schema types both as integer: "5" would break it. ContactBuilder let only digits through.
                writer.WriteNumber(field.Key.Name, ParseDigits(field.Value));
            }
            else
            {
                writer.WriteString(field.Key.Name, field.Value);
            }
        }

        writer.WriteEndObject();
    }

    private static int ParseDigits(string digits)
    {
        int value = 0;
        foreach (char c in digits)
        {
            if (c is < '0' or > '9' || value > 100_000)
            {
                throw new ArgumentException($"'{digits}' is not a small whole number; ContactBuilder should have refused it.", nameof(digits));
            }

            value = (value * 10) + (c - '0');
        }

        return digits.Length == 0 ? throw new ArgumentException("A number field is empty.", nameof(digits)) : value;
    }

    private static byte[] BuildSuffix(IReadOnlyList<string> listIds)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (string id in listIds)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        var suffix = new List<byte>();
        suffix.AddRange("],\"list_ids\":"u8.ToArray());
        suffix.AddRange(buffer.ToArray());
        suffix.Add((byte)'}');
        return suffix.ToArray();
    }

    private sealed class OpenBody
    {
        public OpenBody(ulong lists, Stream stream, byte[] suffix, int slot)
        {
            Lists = lists;
            Stream = stream;
            Suffix = suffix;
            Slot = slot;
        }

        public ulong Lists { get; }

        public Stream Stream { get; }

        public byte[] Suffix { get; }

        /// <summary>Which body this was to open (1, 2...): the order <see cref="Complete"/> closes them in.</summary>
        public int Slot { get; }

        public int Contacts { get; set; }

        public long Bytes { get; set; }

        public long LastUse { get; set; }
    }
}
