using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConstantContactExport.Engine.Import;

/// <summary>
/// Streams contacts into JSON import bodies, <c>{"import_data":[...],"list_ids":[...]}</c>, closing a body
/// before the next contact would take it past its contact or byte bound. Each contact is serialized once
/// with <see cref="Utf8JsonWriter"/> into a scratch buffer, so its exact size is known before it is placed;
/// the envelope is fixed, so a body's size is known to the byte while it is written.
/// </summary>
public sealed class ImportBatchWriter
{
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
    private readonly byte[] suffix;
    private readonly MemoryStream scratch = new(1024);
    private readonly Utf8JsonWriter contactWriter;

    private Stream? current;
    private int currentContacts;
    private long currentBytes;

    public ImportBatchWriter(IReadOnlyList<string> listIds, IImportBatchSink sink, ImportBatchLimits? limits = null)
    {
        if (listIds is null || listIds.Count < 1 || listIds.Count > 50)
        {
            throw new ArgumentException("An import names 1 to 50 lists.", nameof(listIds));
        }

        this.limits = limits ?? ImportBatchLimits.Default;
        this.limits.Check();
        this.sink = sink ?? throw new ArgumentNullException(nameof(sink));
        suffix = BuildSuffix(listIds);
        contactWriter = new Utf8JsonWriter(scratch, WriterOptions);
        if (Prefix.Length + suffix.Length >= this.limits.MaxBodyBytes)
        {
            throw new ArgumentException("The list ids alone fill the body.", nameof(listIds));
        }
    }

    /// <summary>Bodies completed so far.</summary>
    public int BatchCount { get; private set; }

    /// <summary>Contacts written so far, in all bodies.</summary>
    public long ContactCount { get; private set; }

    /// <summary>Every completed body, in order.</summary>
    public List<ImportBatch> Batches { get; } = new();

    /// <summary>Writes one contact, first closing the current body if the contact would not fit in it.</summary>
    public void Add(ImportContact contact)
    {
        scratch.SetLength(0);
        contactWriter.Reset(scratch);
        WriteContact(contactWriter, contact);
        contactWriter.Flush();
        var bytes = new ArraySegment<byte>(scratch.GetBuffer(), 0, (int)scratch.Length);

        if (Prefix.Length + bytes.Count + suffix.Length > limits.MaxBodyBytes)
        {
            // Field limits keep a contact far below this (a few tens of KB at most); reaching it is a bug.
            throw new InvalidOperationException($"One contact serializes to {bytes.Count} bytes, more than a whole body may hold.");
        }

        if (current is not null
            && (currentContacts == limits.MaxContacts
                || currentBytes + Separator.Length + bytes.Count + suffix.Length > limits.MaxBodyBytes))
        {
            CloseCurrent();
        }

        if (current is null)
        {
            current = sink.Open(BatchCount + 1);
            current.Write(Prefix, 0, Prefix.Length);
            currentBytes = Prefix.Length;
            currentContacts = 0;
        }
        else
        {
            current.Write(Separator, 0, Separator.Length);
            currentBytes += Separator.Length;
        }

        current.Write(bytes.Array!, bytes.Offset, bytes.Count);
        currentBytes += bytes.Count;
        currentContacts++;
        ContactCount++;
    }

    /// <summary>Closes the last body. Call once, after the last contact.</summary>
    public void Complete()
    {
        if (current is not null)
        {
            CloseCurrent();
        }
    }

    private void CloseCurrent()
    {
        current!.Write(suffix, 0, suffix.Length);
        currentBytes += suffix.Length;
        var batch = new ImportBatch(BatchCount + 1, currentContacts, currentBytes);
        sink.Complete(batch, current);
        Batches.Add(batch);
        BatchCount++;
        current = null;
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
}
