using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Sending;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Sending;

/// <summary>What the fake server does with the next POST.</summary>
internal enum PostBehaviour
{
    Accept,
    AcceptThenLoseAnswer,
    LoseBeforeAccepting,

    /// <summary>Accepted, and answered 200 {}: no activity id.</summary>
    AcceptWithEmptyAnswer,

    /// <summary>Not accepted: a proxy answered 200 with an HTML page.</summary>
    AnswerHtmlPage,
    QuotaExceeded,
    QueueFull,
    Refuse,
}

/// <summary>A Constant Contact that keeps activities in memory; each finishes after a set number of polls.</summary>
internal sealed class FakeImportApi : IImportApi
{
    private readonly FakeTimeProvider time;
    private readonly object gate = new();

    public FakeImportApi(FakeTimeProvider time)
    {
        this.time = time;
    }

    public Queue<PostBehaviour> Script { get; } = new();

    public List<(ActivityInfo Activity, string Body)> Activities { get; } = new();

    public int PollsToFinish { get; set; } = 1;

    /// <summary>items_total_count of the activities this fake's POSTs create (the tests' bodies hold 10 contacts).</summary>
    public long ContactsPerBody { get; set; } = 10;

    /// <summary>list_count of the activities this fake's POSTs create; null: not shown.</summary>
    public long? ListCount { get; set; }

    /// <summary>The page size GET /activities uses at most, whatever the limit asked (to make paging show).</summary>
    public int MaxPageSize { get; set; } = 500;


    /// <summary>GET /activities?limit lists its newest activity twice (a broken server).</summary>
    public bool RepeatInListing { get; set; }

    /// <summary>Every GET /activities page asked for: the cursor (null for the first) and the limit.</summary>
    public List<(string? Next, int Limit)> PagesRead { get; } = new();

    public string FinishState { get; set; } = "completed";

    /// <summary>The probe addresses of a body (three of its contacts): the tests' contexts name the same.</summary>
    public static IReadOnlyList<string> ProbeEmails(string body) =>
        Enumerable.Range(0, 3).Select(i => $"{body.Replace('/', '-')}-{i}@example.com").ToList();

    /// <summary>The lists a body's contacts go to (the run's); none by default.</summary>
    public Func<string, IReadOnlyCollection<string>> ListsOfBody { get; set; } = _ => Array.Empty<string>();

    /// <summary>The contacts accepted imports put on lists: what GET /contacts?email= answers.</summary>
    public Dictionary<string, ContactState> Contacts { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The text of every body an accepted POST carried, in order (a run deletes its bodies once accepted).</summary>
    public List<string> AcceptedBodies { get; } = new();

    /// <summary>POSTs (numbered from 1) whose activity completes with error_count 1.</summary>
    public HashSet<int> PostsWithErrors { get; } = new();

    private readonly HashSet<string> withErrors = new(StringComparer.Ordinal);

    public int RequestCount { get; private set; }

    /// <summary>Import POSTs, whatever their answer.</summary>
    public int Posts { get; private set; }

    public TimeSpan ServerClockOffset => TimeSpan.Zero;

    private readonly Dictionary<string, int> polls = new();

    public Task<ActivityInfo> CreateJsonImportAsync(string bodyPath, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            Posts++;
            PostBehaviour behaviour = Script.Count > 0 ? Script.Dequeue() : PostBehaviour.Accept;
            switch (behaviour)
            {
                case PostBehaviour.QuotaExceeded:
                    throw new QuotaExceededException();
                case PostBehaviour.QueueFull:
                    throw new ActivityQueueFullException("full");
                case PostBehaviour.LoseBeforeAccepting:
                    throw new ImportInDoubtException("The connection was reset.");
                case PostBehaviour.AnswerHtmlPage:
                    throw new ImportInDoubtException(
                        "Constant Contact answered 200 without an activity id it could read.",
                        ApiAnswerException.Unreadable("activities/contacts_json_import", 200, "text/html", 120, null));
                case PostBehaviour.Refuse:
                    throw new ImportRefusedException(400, "contacts.api.bad.request", "Refused.");
            }

            var activity = NewActivity(time.GetUtcNow(), ContactsPerBody, ListCount);
            Activities.Add((activity, bodyPath));
            foreach (string email in ProbeEmails(bodyPath))
            {
                Contacts[email] = new ContactState(ListsOfBody(bodyPath), time.GetUtcNow());
            }

            AcceptedBodies.Add(System.IO.File.Exists(bodyPath) ? System.IO.File.ReadAllText(bodyPath) : string.Empty); // some tests post no file
            Apply(AcceptedBodies[AcceptedBodies.Count - 1]);
            if (PostsWithErrors.Contains(Posts))
            {
                withErrors.Add(activity.ActivityId);
            }

            if (behaviour == PostBehaviour.AcceptThenLoseAnswer)
            {
                throw new ImportInDoubtException("The connection was reset before the answer.");
            }

            if (behaviour == PostBehaviour.AcceptWithEmptyAnswer)
            {
                return Task.FromResult(new ActivityInfo());
            }

            return Task.FromResult(Copy(activity));
        }
    }

    public Task<ActivityInfo> GetActivityAsync(string activityId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            return Task.FromResult(Copy(Poll(Activities.Single(a => a.Activity.ActivityId == activityId).Activity)));
        }
    }

    public Task<IReadOnlyList<ActivityInfo>> ListActivitiesAsync(int limit, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            List<ActivityInfo> list = Activities.Select(a => Copy(Poll(a.Activity))).Reverse().Take(limit).ToList();
            if (RepeatInListing && list.Count > 0)
            {
                list.Add(Copy(list[0]));
            }

            return Task.FromResult<IReadOnlyList<ActivityInfo>>(list);
        }
    }

    /// <summary>An import that another application (or another run) made on the account: no body of ours.</summary>
    public ActivityInfo AddForeign(DateTimeOffset createdAt, long contacts, long? lists = null)
    {
        lock (gate)
        {
            ActivityInfo activity = NewActivity(createdAt, contacts, lists);
            Activities.Add((activity, "foreign"));
            return activity;
        }
    }

    public Task<ContactState?> FindContactAsync(string email, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            return Task.FromResult(Contacts.TryGetValue(email, out ContactState? contact) ? contact : null);
        }
    }

    public Task<ActivityPage> ListActivitiesPageAsync(string? next, int limit, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            PagesRead.Add((next, limit));
            int start = next is null ? 0 : int.Parse(next.Substring(next.IndexOf('=') + 1), System.Globalization.CultureInfo.InvariantCulture);
            int size = Math.Min(limit, MaxPageSize);
            var all = Activities.Select(a => a.Activity).OrderByDescending(a => a.CreatedAt).ToList();
            var page = all.Skip(start).Take(size).Select(a => Copy(Poll(a))).ToList();
            string? nextHref = start + page.Count < all.Count ? "/v3/activities?cursor=" + (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new ActivityPage(page, nextHref));
        }
    }

    /// <summary>A contact of the fake account: what an accepted import made of it (the account holds them in creation order).</summary>
    public sealed class AccountContact
    {
        public Guid Id { get; } = Guid.NewGuid();

        public string Email { get; init; } = string.Empty;

        public DateTimeOffset UpdatedAt { get; set; }

        public HashSet<string> Lists { get; } = new(StringComparer.OrdinalIgnoreCase);

        public bool Unsubscribed { get; set; }
    }

    /// <summary>The account's contacts, in creation order (imports create them; GET /contacts pages them).</summary>
    public List<AccountContact> Account { get; } = new();

    /// <summary>An import row that changes nothing leaves updated_at as it was (the undocumented case, D8).</summary>
    public bool UnchangedRowKeepsUpdatedAt { get; set; }

    /// <summary>The most contacts a GET /contacts page holds.</summary>
    public int ContactPageSize { get; set; } = 500;

    /// <summary>Every GET /contacts page asked for: list, updated_after, cursor.</summary>
    public List<(string List, DateTimeOffset? UpdatedAfter, string? Next)> ContactPagesRead { get; } = new();

    /// <summary>Every remove_list_memberships POST: list and contact ids (also those whose answer was lost).</summary>
    public List<(string List, IReadOnlyList<Guid> ContactIds)> Removals { get; } = new();

    /// <summary>What the next removal POSTs do: Accept, AcceptThenLoseAnswer, QuotaExceeded, Refuse.</summary>
    public Queue<PostBehaviour> RemovalScript { get; } = new();

    public AccountContact? Find(string email) => Account.FirstOrDefault(c => string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase));

    /// <summary>Puts an address on a list another way (a sign-up form): it is not the export's to remove.</summary>
    public AccountContact AddMember(string email, string list)
    {
        lock (gate)
        {
            AccountContact contact = Find(email) ?? Add(email);
            contact.Lists.Add(list);
            contact.UpdatedAt = time.GetUtcNow();
            return contact;
        }
    }

    /// <summary>Unsubscribes an address: it leaves every list and imports cannot add it back.</summary>
    public void Unsubscribe(string email)
    {
        lock (gate)
        {
            AccountContact contact = Find(email) ?? Add(email);
            contact.Unsubscribed = true;
            contact.Lists.Clear();
            contact.UpdatedAt = time.GetUtcNow();
        }
    }

    public string[] MembersOf(string list)
    {
        lock (gate)
        {
            return Account.Where(c => c.Lists.Contains(list)).Select(c => c.Email).OrderBy(e => e, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>Called as each GET /contacts page is answered (a test stops its run there).</summary>
    public Action? OnContactPage { get; set; }

    public Task<ContactPage> ListContactsPageAsync(string? next, string listId, DateTimeOffset? updatedAfter, CancellationToken cancellationToken)
    {
        OnContactPage?.Invoke();
        lock (gate)
        {
            RequestCount++;
            ContactPagesRead.Add((listId, updatedAfter, next));
            int start = next is null ? 0 : int.Parse(next.Substring(next.IndexOf('=') + 1), System.Globalization.CultureInfo.InvariantCulture);
            bool Matches(AccountContact c) => c.Lists.Contains(listId) && (updatedAfter is null || c.UpdatedAt > updatedAfter);
            var page = new List<ContactIdentity>();
            int position = start;
            for (; position < Account.Count && page.Count < ContactPageSize; position++)
            {
                if (Matches(Account[position]))
                {
                    page.Add(new ContactIdentity(Account[position].Id, Account[position].Email));
                }
            }

            bool more = Account.Skip(position).Any(Matches);
            return Task.FromResult(new ContactPage(page, more ? "/v3/contacts?cursor=" + position.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        }
    }

    public Task<ActivityInfo> RemoveListMembershipsAsync(string listId, IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            RequestCount++;
            Assert.InRange(contactIds.Count, 1, 500);
            PostBehaviour behaviour = RemovalScript.Count > 0 ? RemovalScript.Dequeue() : PostBehaviour.Accept;
            switch (behaviour)
            {
                case PostBehaviour.QuotaExceeded:
                    throw new QuotaExceededException();
                case PostBehaviour.Refuse:
                    throw new ImportRefusedException(400, "bad", "Refused.");
            }

            Removals.Add((listId, contactIds.ToList()));
            foreach (Guid id in contactIds)
            {
                if (Account.FirstOrDefault(c => c.Id == id) is { } contact && contact.Lists.Remove(listId))
                {
                    contact.UpdatedAt = time.GetUtcNow();
                }
            }

            var activity = NewActivity(time.GetUtcNow(), contactIds.Count, 1);
            Activities.Add((activity, "removal"));
            if (behaviour == PostBehaviour.AcceptThenLoseAnswer)
            {
                throw new ImportInDoubtException("The connection was reset before the answer.");
            }

            return Task.FromResult(Copy(activity));
        }
    }

    private AccountContact Add(string email)
    {
        var contact = new AccountContact { Email = email, UpdatedAt = time.GetUtcNow() };
        Account.Add(contact);
        return contact;
    }

    /// <summary>An accepted import's rows: contacts created or updated, put on the body's lists unless unsubscribed.</summary>
    private void Apply(string body)
    {
        if (body.Length == 0)
        {
            return;
        }

        using var doc = System.Text.Json.JsonDocument.Parse(body);
        var lists = doc.RootElement.GetProperty("list_ids").EnumerateArray().Select(l => l.GetString()!).ToList();
        foreach (var row in doc.RootElement.GetProperty("import_data").EnumerateArray())
        {
            string email = row.GetProperty("email").GetString()!;
            AccountContact? contact = Find(email);
            bool changed = contact is null || row.ToString() != (contactRows.TryGetValue(email, out string? before) ? before : null) || lists.Any(l => !contact!.Lists.Contains(l) && !contact.Unsubscribed);
            contact ??= Add(email);
            contactRows[email] = row.ToString();
            if (!contact.Unsubscribed)
            {
                contact.Lists.UnionWith(lists);
            }

            if (changed || !UnchangedRowKeepsUpdatedAt)
            {
                contact.UpdatedAt = time.GetUtcNow();
            }
        }
    }

    private readonly Dictionary<string, string> contactRows = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Not counted in RequestCount: the tests count POSTs and polls.</summary>

    private ActivityInfo NewActivity(DateTimeOffset createdAt, long contacts, long? lists)
    {
        var activity = new ActivityInfo
        {
            ActivityId = Guid.NewGuid().ToString(), State = "initialized", CreatedAt = createdAt, ItemsTotalCount = contacts, ListCount = lists,
        };
        polls[activity.ActivityId] = 0;
        return activity;
    }

    private ActivityInfo Poll(ActivityInfo activity)
    {
        if (!activity.IsFinished && ++polls[activity.ActivityId] >= PollsToFinish)
        {
            activity.State = FinishState;
            activity.PersonCount = activity.ItemsTotalCount;
            activity.ErrorCount = withErrors.Contains(activity.ActivityId) ? 1 : 0;
            activity.CorrectableCount = 0;
            activity.CannotAddToListCount = 0;
        }

        return activity;
    }

    private static ActivityInfo Copy(ActivityInfo a) => new()
    {
        ActivityId = a.ActivityId, State = a.State, CreatedAt = a.CreatedAt, PersonCount = a.PersonCount,
        ErrorCount = a.ErrorCount, CorrectableCount = a.CorrectableCount, CannotAddToListCount = a.CannotAddToListCount,
        ItemsTotalCount = a.ItemsTotalCount, ListCount = a.ListCount,
    };
}
