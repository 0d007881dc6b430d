using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ConstantContact.Sandbox.Json;
using ConstantContact.Sandbox.Paging;

namespace ConstantContact.Sandbox.Contacts;

/// <summary>
/// GET /v3/contacts: the look-up a client uses to check what an import did, and to learn contact ids by list and by
/// update time (<c>updated_after</c>, as a sync does). Pages walk contacts in creation order, so a cursor never
/// skips or repeats a contact, even while imports add contacts meanwhile (new ones come at the end).
/// </summary>
public static class ContactEndpoints
{
    private static readonly HashSet<string> Statuses = new(StringComparer.Ordinal)
    {
        "all", "active", "deleted", "not_set", "pending_confirmation", "temp_hold", "unsubscribed",
    };

    public static void Map(RouteGroupBuilder v3)
    {
        v3.MapGet("/contacts", List);
    }

    private static IResult List(HttpContext context, ContactDatabase db)
    {
        var parameters = PageCursor.Parameters(context.Request);
        if (parameters is null)
        {
            return ApiErrors.BadRequest("The cursor is not valid.");
        }

        var limit = QueryValues.Limit(parameters, 50, 500, out var error);
        var includes = ParseIncludes(QueryValues.Text(parameters, "include"), ref error);
        var statuses = Split(QueryValues.Text(parameters, "status"));
        if (error is null && statuses.FirstOrDefault(s => !Statuses.Contains(s)) is { } badStatus)
        {
            error = $"status '{badStatus}' is not valid.";
        }

        var listIds = new List<Guid>();
        foreach (var text in Split(QueryValues.Text(parameters, "lists")))
        {
            if (!Guid.TryParse(text, out var id))
            {
                error ??= $"lists: '{text}' is not a list id.";
                continue;
            }

            listIds.Add(id);
        }

        if (listIds.Count > 25)
        {
            error ??= "lists takes at most 25 list ids.";
        }

        var updatedAfter = Date(parameters, "updated_after", ref error);
        var updatedBefore = Date(parameters, "updated_before", ref error);
        var createdAfter = Date(parameters, "created_after", ref error);
        var createdBefore = Date(parameters, "created_before", ref error);

        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var email = QueryValues.Text(parameters, "email");
        var start = PageCursor.Start(parameters);
        lock (db.Gate)
        {
            var wanted = listIds.Select(db.FindList).OfType<ContactList>().ToArray();
            bool Matches(Contact c) =>
                MatchesStatus(c, statuses)
                && (listIds.Count == 0 || wanted.Any(l => l.Members.Contains(c)))
                && (updatedAfter is null || c.UpdatedAt > updatedAfter)
                && (updatedBefore is null || c.UpdatedAt < updatedBefore)
                && (createdAfter is null || c.CreatedAt > createdAfter)
                && (createdBefore is null || c.CreatedAt < createdBefore);

            IReadOnlyList<Contact> candidates = email is null ? db.Contacts
                : db.FindContactByEmail(email) is { } found ? [found] : [];
            var page = new List<ContactResource>(Math.Min(limit, 500));
            var position = start;
            for (; position < candidates.Count && page.Count < limit; position++)
            {
                if (Matches(candidates[position]))
                {
                    page.Add(ContactMapper.ToResource(candidates[position], includes));
                }
            }

            // Only offer a next page when one more match exists, so the last page never links to an empty one.
            var more = false;
            for (var i = position; i < candidates.Count && !more; i++)
            {
                more = Matches(candidates[i]);
            }

            return Results.Json(
                new ContactPage
                {
                    Contacts = page,
                    ContactsCount = QueryValues.Flag(parameters, "include_count") ? candidates.Count(Matches) : null,
                    Links = Links.NextOrNull(more ? PageCursor.Href("/v3/contacts", parameters, position) : null),
                },
                SandboxJsonContext.Default.ContactPage);
        }
    }

    private static bool MatchesStatus(Contact contact, IReadOnlyList<string> statuses)
    {
        // Without a status filter, every contact that is not deleted (the sandbox deletes none).
        if (statuses.Count == 0 || statuses.Contains("all"))
        {
            return true;
        }

        return statuses.Contains(contact.IsUnsubscribed ? "unsubscribed" : "active");
    }

    /// <summary>An ISO-8601 date-time (the spec's <c>format: date-time</c>); one without an offset is taken as UTC.</summary>
    private static DateTime? Date(IReadOnlyDictionary<string, string> parameters, string name, ref string? error)
    {
        if (QueryValues.Text(parameters, name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(
            text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AllowWhiteSpaces, out var value))
        {
            return value.UtcDateTime;
        }

        error ??= $"{name} must be an ISO-8601 date-time, such as 2022-01-01T16:37:59.091Z.";
        return null;
    }

    private static ContactIncludes ParseIncludes(string? text, ref string? error)
    {
        var includes = ContactIncludes.None;
        foreach (var part in Split(text))
        {
            switch (part)
            {
                case "custom_fields": includes |= ContactIncludes.CustomFields; break;
                case "list_memberships": includes |= ContactIncludes.ListMemberships; break;
                case "phone_numbers": includes |= ContactIncludes.PhoneNumbers; break;
                case "street_addresses": includes |= ContactIncludes.StreetAddresses; break;
                // Known to the real API, but the sandbox keeps none of them: accepted and left out.
                case "taggings" or "notes" or "sms_channel": break;
                default: error ??= $"include: '{part}' is not valid."; break;
            }
        }

        return includes;
    }

    private static string[] Split(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
