using System;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Sending;

namespace ConstantContactExport.Engine.Api;

/// <summary>What the in-doubt look-up reads: pages of GET /activities, and which account the token acts on.</summary>
public sealed partial class ConstantContactApi
{
    private Task<string?>? accountId;

    public async Task<ActivityPage> ListActivitiesPageAsync(string? next, int limit, CancellationToken cancellationToken)
    {
        string relative = next is null
            ? "activities?limit=" + Math.Max(1, Math.Min(500, limit)).ToString(CultureInfo.InvariantCulture)
            : UnderApiBase(next);
        using JsonDocument doc = await GetJsonAsync(relative, cancellationToken).ConfigureAwait(false);
        return new ActivityPage(ActivityJson.ParseList(doc.RootElement), ActivityJson.NextHref(doc.RootElement));
    }

    public Task<string?> GetAccountIdAsync(CancellationToken cancellationToken)
    {
        // One request for the life of this object (a run's sending); a failure is not asked again, it only means
        // the sender cannot prove a lost answer's activity and sends again.
        return LazyInitializer.EnsureInitialized(ref accountId, () => ReadAccountIdAsync(cancellationToken))!;
    }

    private async Task<string?> ReadAccountIdAsync(CancellationToken cancellationToken)
    {
        try
        {
            using JsonDocument doc = await GetJsonAsync("account/summary", cancellationToken).ConfigureAwait(false);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("encoded_account_id", out JsonElement id)
                && id.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(id.GetString())
                    ? id.GetString()
                    : null;
        }
        catch (Exception ex) when (ex is ImportRefusedException or ApiUnavailableException or JsonException)
        {
            log("The account could not be read (" + ex.GetType().Name + "); a lost import answer will be sent again rather than looked up.");
            return null;
        }
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
