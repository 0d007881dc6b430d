using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Sending;

namespace ConstantContactExport.Engine.Api;

/// <summary>What -RemoveMissing uses: contacts of a list by page (to learn contact ids) and remove_list_memberships.</summary>
public sealed partial class ConstantContactApi
{
    /// <summary>The most a page of GET /contacts holds ("limit: 1 - 500").</summary>
    public const int ContactPageSize = 500;

    /// <summary>The most contact ids one remove_list_memberships takes ("Include up to 500 contact_id values").</summary>
    public const int MaxRemoveContactIds = 500;

    /// <summary>Pages of contacts (500 each) between two background collections: about every 25 s at 4 requests a second.</summary>
    private const int CollectEveryPages = 100;

    private int contactPagesRead;

    public async Task<ContactPage> ListContactsPageAsync(string? next, string listId, DateTimeOffset? updatedAfter, CancellationToken cancellationToken)
    {
        string relative = next is not null
            ? UnderApiBase(next)
            : "contacts?lists=" + Uri.EscapeDataString(listId) + "&status=all&limit=" + ContactPageSize.ToString(CultureInfo.InvariantCulture)
                + (updatedAfter is { } after ? "&updated_after=" + Uri.EscapeDataString(after.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)) : string.Empty);
        using JsonDocument doc = await GetJsonAsync(relative, cancellationToken).ConfigureAwait(false);

        // A page that does not read whole (no contacts array, a contact without its id or address) is not the end of
        // the list: taken for one, a leaver would be judged already off the list and forgotten. The run stops, resumable.
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("contacts", out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw ApiAnswerException.Unreadable("/contacts", 200, "application/json", doc.RootElement.GetRawText().Length, null);
        }

        var contacts = new List<ContactIdentity>(array.GetArrayLength());
        foreach (JsonElement contact in array.EnumerateArray())
        {
            if (contact.ValueKind == JsonValueKind.Object
                && contact.TryGetProperty("contact_id", out JsonElement id) && id.ValueKind == JsonValueKind.String && Guid.TryParse(id.GetString(), out Guid contactId)
                && contact.TryGetProperty("email_address", out JsonElement email) && email.ValueKind == JsonValueKind.Object
                && email.TryGetProperty("address", out JsonElement address) && address.ValueKind == JsonValueKind.String)
            {
                contacts.Add(new ContactIdentity(contactId, address.GetString()!));
            }
            else
            {
                throw ApiAnswerException.Unreadable("/contacts", 200, "application/json", doc.RootElement.GetRawText().Length, null);
            }
        }

        if (Interlocked.Increment(ref contactPagesRead) % CollectEveryPages == 0)
        {
            // A list read page by page waits on the rate limit, and the GC holds each page's garbage in its older
            // generations until a full collection comes: at a million contacts the heap grew by about 43 MB every
            // 200 pages, and the process's peak by a hundred megabytes and more, for 30 MB of live data. A background
            // collection every so many pages keeps it near what is alive, while the reader waits anyway.
            GC.Collect(2, GCCollectionMode.Forced, blocking: false);
        }

        return new ContactPage(contacts, ActivityJson.NextHref(doc.RootElement));
    }

    public async Task<ActivityInfo> RemoveListMembershipsAsync(string listId, IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        if (contactIds.Count is 0 or > MaxRemoveContactIds)
        {
            throw new ArgumentOutOfRangeException(nameof(contactIds), contactIds.Count, "A removal takes 1 to 500 contact ids.");
        }

        string body;
        using (var buffer = new MemoryStream())
        {
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteStartObject("source");
                json.WriteStartArray("contact_ids");
                foreach (Guid id in contactIds)
                {
                    json.WriteStringValue(id.ToString("D"));
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteStartArray("list_ids");
                json.WriteStringValue(listId);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            body = Encoding.UTF8.GetString(buffer.ToArray());
        }

        return await PostActivityAsync(
            "activities/remove_list_memberships",
            () => new StringContent(body, Encoding.UTF8, "application/json"),
            "the removal from a list",
            cancellationToken).ConfigureAwait(false);
    }
}
