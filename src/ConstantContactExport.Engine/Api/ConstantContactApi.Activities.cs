using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Sending;

namespace ConstantContactExport.Engine.Api;

/// <summary>What the in-doubt look-up reads: pages of GET /activities, and the contact that proves an import ours.</summary>
public sealed partial class ConstantContactApi
{
    public async Task<ActivityPage> ListActivitiesPageAsync(string? next, int limit, CancellationToken cancellationToken)
    {
        string relative = next is null
            ? "activities?limit=" + Math.Max(1, Math.Min(500, limit)).ToString(CultureInfo.InvariantCulture)
            : UnderApiBase(next);
        using JsonDocument doc = await GetJsonAsync(relative, cancellationToken).ConfigureAwait(false);
        return new ActivityPage(ActivityJson.ParseList(doc.RootElement), ActivityJson.NextHref(doc.RootElement));
    }

    public async Task<ContactState?> FindContactAsync(string email, CancellationToken cancellationToken)
    {
        using JsonDocument doc = await GetJsonAsync(
            "contacts?email=" + Uri.EscapeDataString(email) + "&status=all&include=list_memberships&limit=1", cancellationToken).ConfigureAwait(false);
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("contacts", out JsonElement contacts)
            || contacts.ValueKind != JsonValueKind.Array
            || contacts.GetArrayLength() == 0
            || contacts[0].ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        JsonElement contact = contacts[0];
        var lists = new List<string>();
        if (contact.TryGetProperty("list_memberships", out JsonElement memberships) && memberships.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement list in memberships.EnumerateArray())
            {
                if (list.ValueKind == JsonValueKind.String)
                {
                    lists.Add(list.GetString()!);
                }
            }
        }

        DateTimeOffset? updated = contact.TryGetProperty("updated_at", out JsonElement at) && at.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed)
                ? parsed
                : null;
        return new ContactState(lists, updated);
    }

    /// <summary>
    /// A next-page href as a path under the API base. One that leads anywhere else (another host, another path) is
    /// not followed: the token goes only to the API.
    /// </summary>
    private string UnderApiBase(string href)
    {
        if (Uri.TryCreate(apiBase, href, out Uri? target)
            && Uri.Compare(target, apiBase, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            && target.AbsolutePath.StartsWith(apiBase.AbsolutePath, StringComparison.Ordinal))
        {
            return target.PathAndQuery.Substring(apiBase.AbsolutePath.Length);
        }

        throw new ApiUnavailableException("Constant Contact's next page of activities points outside the API; it was not followed.");
    }
}
