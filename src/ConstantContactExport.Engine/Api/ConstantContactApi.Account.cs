using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Sending;

namespace ConstantContactExport.Engine.Api;

/// <summary>Lists and custom fields: what saving an export checks, and what Get-CCList shows.</summary>
public sealed partial class ConstantContactApi
{
    /// <summary>Every list, following the cursor pages.</summary>
    public async Task<IReadOnlyList<ContactListInfo>> GetListsAsync(CancellationToken cancellationToken)
    {
        var lists = new List<ContactListInfo>();
        string? next = "contact_lists?limit=500&include_membership_count=all";
        while (next is not null)
        {
            using JsonDocument doc = await GetJsonAsync(next, cancellationToken).ConfigureAwait(false);
            lists.AddRange(ReadLists(doc.RootElement));
            next = NextPage(doc.RootElement);
        }

        return lists;
    }

    /// <summary>
    /// The list of that name, compared without regard to case as Constant Contact compares list names (GET
    /// /contact_lists?name=), or null. An exact spelling wins over one that differs in case.
    /// </summary>
    public async Task<ContactListInfo?> FindListAsync(string name, CancellationToken cancellationToken)
    {
        using JsonDocument doc = await GetJsonAsync("contact_lists?include_membership_count=all&name=" + Uri.EscapeDataString(name), cancellationToken).ConfigureAwait(false);
        return ListNames.Pick(ReadLists(doc.RootElement), name);
    }

    /// <summary>The list with that id, or null.</summary>
    public async Task<ContactListInfo?> GetListAsync(string listId, CancellationToken cancellationToken)
    {
        using JsonDocument? doc = await GetJsonAsync("contact_lists/" + Uri.EscapeDataString(listId), notFoundIsNull: true, cancellationToken).ConfigureAwait(false);
        return doc is null ? null : ReadList(doc.RootElement);
    }

    /// <summary>
    /// Creates a list. A 409 means a list of that name exists, perhaps spelled in another case (made meanwhile by
    /// someone else, or by our own request whose answer was lost): it is read and returned, so creating is safe to
    /// repeat. When the name filter does not find it, every list is read (names compared without regard to case).
    /// </summary>
    public Task<ContactListInfo> CreateListAsync(string name, CancellationToken cancellationToken) =>
        CreateAsync(
            "contact_lists",
            "{\"name\":" + JsonSerializer.Serialize(name) + "}",
            $"the list '{name}'",
            ReadList,
            async (status, ct) => await FindListAsync(name, ct).ConfigureAwait(false)
                ?? (status == 409 ? ListNames.Pick(await GetListsAsync(ct).ConfigureAwait(false), name) : null),
            key => new ListConflictException(name, $"Constant Contact says a list named '{name}' exists (409 {key}), but no list of that name can be read. Get-CCList shows the lists; -ListId names one by its id."),
            cancellationToken);

    /// <summary>The account's custom fields (GET /contact_custom_fields, every page); an import names one "cf:" + its name.</summary>
    public async Task<IReadOnlyList<CustomFieldInfo>> GetCustomFieldsAsync(CancellationToken cancellationToken)
    {
        var result = new List<CustomFieldInfo>();
        string? next = "contact_custom_fields?limit=100";
        while (next is not null)
        {
            using JsonDocument doc = await GetJsonAsync(next, cancellationToken).ConfigureAwait(false);
            if (doc.RootElement.TryGetProperty("custom_fields", out JsonElement fields) && fields.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement field in fields.EnumerateArray())
                {
                    if (ReadCustomField(field) is { } info)
                    {
                        result.Add(info);
                    }
                }
            }

            next = NextPage(doc.RootElement);
        }

        return result;
    }

    /// <summary>
    /// Creates a custom field (POST /contact_custom_fields {label, type}); Constant Contact makes its name from the
    /// label. A 409 means a field of that label exists; it is read and returned when its label matches without
    /// regard to case, so creating is safe to repeat. Any other refusal is a <see cref="AccountChangeRefusedException"/>.
    /// </summary>
    public Task<CustomFieldInfo> CreateCustomFieldAsync(string label, string type, CancellationToken cancellationToken) =>
        CreateAsync(
            "contact_custom_fields",
            "{\"label\":" + JsonSerializer.Serialize(label) + ",\"type\":" + JsonSerializer.Serialize(type) + "}",
            $"the custom field '{label}'",
            ReadCustomField,
            async (_, ct) => CustomFieldNames.ByLabel(await GetCustomFieldsAsync(ct).ConfigureAwait(false), label),
            null,
            cancellationToken);

    /// <summary>
    /// One POST that creates something on the account, safe to repeat: a dropped connection, a 5xx or throttling is
    /// tried again under the one retry policy; after a 409, or an answer that may have been lost, <paramref name="findExisting"/>
    /// reads what exists (made meanwhile by someone else, or by our own request) and it is returned instead.
    /// </summary>
    /// <param name="route">The route under the API base.</param>
    /// <param name="json">The request body.</param>
    /// <param name="what">What is created, for messages ("the list 'News'").</param>
    /// <param name="read">Reads the created thing from the answer; null when the answer lacks it.</param>
    /// <param name="findExisting">Finds an existing one, given the answer's status (0: no answer).</param>
    /// <param name="conflict">The error for a 409 whose existing thing cannot be read; null for the general refusal.</param>
    /// <param name="cancellationToken">Stops the request and its retries.</param>
    private async Task<T> CreateAsync<T>(
        string route,
        string json,
        string what,
        Func<JsonElement, T?> read,
        Func<int, CancellationToken, Task<T?>> findExisting,
        Func<string?, Exception>? conflict,
        CancellationToken cancellationToken)
        where T : class
    {
        int attempt = 0;
        while (true)
        {
            int status;
            string body;
            try
            {
                using var content = new StringContent(json, Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                Interlocked.Increment(ref requestCount);
                using HttpResponseMessage response = await client.PostAsync(new Uri(apiBase, route), content, cancellationToken).ConfigureAwait(false);
                body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or System.IO.IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                status = 0;
                body = ex.Message;
            }

            if (status is 200 or 201)
            {
                using JsonDocument doc = ParseCreated("POST /" + route, status, body);
                return read(doc.RootElement) ?? throw new AccountChangeRefusedException(status, null, $"Constant Contact answered the creation of {what} without its name.");
            }

            if (status == 409 || status == 0 || status >= 500)
            {
                T? existing = await findExisting(status, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    return existing;
                }
            }

            (string? key, string? message) = FirstError(body);
            if (status == 409 && conflict is not null)
            {
                throw conflict(key);
            }

            if (status == 429 && key == "quota_exceeded")
            {
                throw new QuotaExceededException();
            }

            if ((status == 0 || status >= 500 || status == 429) && ++attempt < attempts)
            {
                await retry.DelayAsync(retry.Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw new AccountChangeRefusedException(status, key, $"Constant Contact did not create {what} ({status} {key}): {message ?? (status == 0 ? body : $"HTTP {status}")}");
        }
    }

    /// <summary>The JSON of a creation's answer; one that is not JSON is an <see cref="ApiAnswerException"/>.</summary>
    private static JsonDocument ParseCreated(string route, int status, string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw ApiAnswerException.Unreadable(route, status, null, Encoding.UTF8.GetByteCount(body), ex);
        }
    }

    private static CustomFieldInfo? ReadCustomField(JsonElement field)
    {
        if (field.ValueKind != JsonValueKind.Object
            || !field.TryGetProperty("name", out JsonElement name) || name.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string Text(string property) => field.TryGetProperty(property, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
        return new CustomFieldInfo(Text("custom_field_id"), name.GetString()!, Text("label"), Text("type"));
    }

    private static IEnumerable<ContactListInfo> ReadLists(JsonElement root)
    {
        if (root.TryGetProperty("lists", out JsonElement lists) && lists.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in lists.EnumerateArray())
            {
                ContactListInfo? list = ReadList(item);
                if (list is not null)
                {
                    yield return list;
                }
            }
        }
    }

    private static ContactListInfo? ReadList(JsonElement item)
    {
        if (!item.TryGetProperty("list_id", out JsonElement id) || id.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string name = item.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : string.Empty;
        long? members = item.TryGetProperty("membership_count", out JsonElement m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : null;
        return new ContactListInfo(id.GetString()!, name, members);
    }

    /// <summary>The next page's path relative to the API base, from _links.next.href ("/v3/contact_lists?cursor=...").</summary>
    private string? NextPage(JsonElement root)
    {
        if (root.TryGetProperty("_links", out JsonElement links)
            && links.TryGetProperty("next", out JsonElement next)
            && next.TryGetProperty("href", out JsonElement href)
            && href.ValueKind == JsonValueKind.String)
        {
            string value = href.GetString()!;
            string basePath = apiBase.AbsolutePath; // "/v3/"
            int at = value.IndexOf(basePath, StringComparison.Ordinal);
            return at >= 0 ? value.Substring(at + basePath.Length) : value.TrimStart('/');
        }

        return null;
    }
}
