using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ConstantContact.Sandbox.Json;
using ConstantContact.Sandbox.Paging;

namespace ConstantContact.Sandbox.Contacts;

/// <summary>/v3/contact_lists.</summary>
public static class ContactListEndpoints
{
    public static void Map(RouteGroupBuilder v3)
    {
        v3.MapGet("/contact_lists", List);
        v3.MapPost("/contact_lists", CreateAsync);
        v3.MapGet("/contact_lists/{list_id}", Get);
    }

    private static IResult List(HttpContext context, ContactDatabase db)
    {
        var parameters = PageCursor.Parameters(context.Request);
        if (parameters is null)
        {
            return ApiErrors.BadRequest("The cursor is not valid.");
        }

        // The prose says 1-500, the schema says 1000: the sandbox takes the larger, so a client is never refused
        // something the real server might allow.
        var limit = QueryValues.Limit(parameters, 50, 1_000, out var error);
        var membershipCount = QueryValues.Text(parameters, "include_membership_count");
        if (error is null && membershipCount is not null and not "all" and not "active")
        {
            error = "include_membership_count must be all or active.";
        }

        var status = QueryValues.Text(parameters, "status") ?? "active";
        if (error is null && status is not "all" and not "active" and not "deleted")
        {
            error = "status must be all, active or deleted.";
        }

        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var name = QueryValues.Text(parameters, "name");
        var start = PageCursor.Start(parameters);
        lock (db.Gate)
        {
            // No list is ever deleted in the sandbox, so status=deleted finds none.
            IReadOnlyList<ContactList> matches = status == "deleted" ? []
                : name is null ? db.Lists
                : db.FindListByName(name) is { } found ? [found] : [];
            var page = matches.Skip(start).Take(limit).Select(l => ContactListResource.From(l, membershipCount)).ToArray();
            var next = start + page.Length < matches.Count ? PageCursor.Href("/v3/contact_lists", parameters, start + page.Length) : null;
            return Results.Json(
                new ContactListPage
                {
                    Lists = page,
                    ListsCount = QueryValues.Flag(parameters, "include_count") ? matches.Count : null,
                    Links = Links.NextOrNull(next),
                },
                SandboxJsonContext.Default.ContactListPage);
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ContactDatabase db, TimeProvider time)
    {
        var request = await JsonBody.ReadAsync(context.Request, SandboxJsonContext.Default.CreateContactListRequest);
        if (request is null)
        {
            return ApiErrors.BadRequest("The request body is not valid JSON.", "contacts.api.bad.request");
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return ApiErrors.BadRequest("name is required.");
        }

        if (name.Length > 255)
        {
            return ApiErrors.BadRequest("name must be at most 255 characters.");
        }

        lock (db.Gate)
        {
            if (db.FindListByName(name) is not null)
            {
                return ApiErrors.Conflict($"A list named '{name}' already exists.");
            }

            if (db.Lists.Count >= ContactDatabase.MaxLists)
            {
                return ApiErrors.BadRequest("The account already has the maximum of 1,000 lists.", "contacts.api.limit.exceeded");
            }

            var list = db.CreateList(name, request.Description, request.Favorite ?? false, Timestamps.Now(time));
            return Results.Json(ContactListResource.From(list, null), SandboxJsonContext.Default.ContactListResource, statusCode: StatusCodes.Status201Created);
        }
    }

    private static IResult Get(HttpContext context, [FromRoute(Name = "list_id")] string listId, ContactDatabase db)
    {
        var membershipCount = context.Request.Query["include_membership_count"].ToString();
        lock (db.Gate)
        {
            return Guid.TryParse(listId, out var id) && db.FindList(id) is { } list
                ? Results.Json(ContactListResource.From(list, membershipCount), SandboxJsonContext.Default.ContactListResource)
                : ApiErrors.NotFound("No list was found for the list_id provided.");
        }
    }
}
