using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Sending;

/// <summary>
/// The part of the Constant Contact API that a run's sending uses. The HTTP client behind it authenticates,
/// limits its rate, waits out <c>throttled</c> 429s and retries idempotent GETs; it turns the rest into the
/// exceptions the sender decides on.
/// </summary>
public interface IImportApi
{
    /// <summary>POST /activities/contacts_json_import with the body in the file.</summary>
    /// <exception cref="ImportInDoubtException">The outcome is unknown.</exception>
    /// <exception cref="QuotaExceededException">The daily quota is spent; the body was not accepted.</exception>
    /// <exception cref="ActivityQueueFullException">The activity queue is full; the body was not accepted.</exception>
    /// <exception cref="ImportRefusedException">Refused for good.</exception>
    Task<ActivityInfo> CreateJsonImportAsync(string bodyPath, CancellationToken cancellationToken);

    /// <summary>GET /activities/{id}.</summary>
    Task<ActivityInfo> GetActivityAsync(string activityId, CancellationToken cancellationToken);

    /// <summary>GET /activities?limit=n, newest first.</summary>
    Task<IReadOnlyList<ActivityInfo>> ListActivitiesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// One page of GET /activities, newest first: the first (<paramref name="next"/> null, <paramref name="limit"/> 1-500)
    /// or the one a previous page's <see cref="ActivityPage.Next"/> named.
    /// </summary>
    Task<ActivityPage> ListActivitiesPageAsync(string? next, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The contact with that address (GET /contacts?email=, any status, with its list memberships), or null when the
    /// account has none.
    /// </summary>
    Task<ContactState?> FindContactAsync(string email, CancellationToken cancellationToken);

    /// <summary>
    /// One page of GET /contacts?lists=<paramref name="listId"/>&amp;status=all&amp;limit=500 (with
    /// updated_after=<paramref name="updatedAfter"/> when given): the first (<paramref name="next"/> null) or the one a
    /// previous page's <see cref="ContactPage.Next"/> named. Contact ids and addresses, to learn ids by address key.
    /// </summary>
    Task<ContactPage> ListContactsPageAsync(string? next, string listId, DateTimeOffset? updatedAfter, CancellationToken cancellationToken);

    /// <summary>POST /activities/remove_list_memberships: takes up to 500 contacts off one list (membership only).</summary>
    /// <exception cref="ImportInDoubtException">The outcome is unknown (removal is idempotent: send it again).</exception>
    /// <exception cref="QuotaExceededException">The daily quota is spent.</exception>
    /// <exception cref="ActivityQueueFullException">The activity queue is full.</exception>
    /// <exception cref="ImportRefusedException">Refused for good.</exception>
    Task<ActivityInfo> RemoveListMembershipsAsync(string listId, IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken);

    /// <summary>The server's clock minus ours, from the Date headers seen so far (zero until one is seen).</summary>
    TimeSpan ServerClockOffset { get; }

    /// <summary>Requests sent so far through this client, retries included.</summary>
    int RequestCount { get; }
}
