using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ConstantContact.Sandbox.Json;
using ConstantContact.Sandbox.Paging;

namespace ConstantContact.Sandbox.Contacts;

/// <summary>/v3/contact_custom_fields.</summary>
public static class CustomFieldEndpoints
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "string", "date", "datetime", "single_select", "currency", "text_area", "multi_select", "number", "boolean",
    };

    public static void Map(RouteGroupBuilder v3)
    {
        v3.MapGet("/contact_custom_fields", List);
        v3.MapPost("/contact_custom_fields", CreateAsync);
        v3.MapGet("/contact_custom_fields/{custom_field_id}", Get);
    }

    private static IResult Get([FromRoute(Name = "custom_field_id")] string customFieldId, ContactDatabase db)
    {
        lock (db.Gate)
        {
            return Guid.TryParse(customFieldId, out var id) && db.FindCustomField(id) is { } field
                ? Results.Json(CustomFieldResource.From(field), SandboxJsonContext.Default.CustomFieldResource)
                : ApiErrors.NotFound("No custom field was found for the custom_field_id provided.");
        }
    }

    private static IResult List(HttpContext context, ContactDatabase db)
    {
        var parameters = PageCursor.Parameters(context.Request);
        if (parameters is null)
        {
            return ApiErrors.BadRequest("The cursor is not valid.");
        }

        var limit = QueryValues.Limit(parameters, 50, 100, out var error);
        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        var start = PageCursor.Start(parameters);
        lock (db.Gate)
        {
            var page = db.CustomFields.Skip(start).Take(limit).Select(CustomFieldResource.From).ToArray();
            var next = start + page.Length < db.CustomFields.Count
                ? PageCursor.Href("/v3/contact_custom_fields", parameters, start + page.Length)
                : null;
            return Results.Json(new CustomFieldPage { CustomFields = page, Links = Links.NextOrNull(next) }, SandboxJsonContext.Default.CustomFieldPage);
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ContactDatabase db, TimeProvider time)
    {
        var request = await JsonBody.ReadAsync(context.Request, SandboxJsonContext.Default.CreateCustomFieldRequest);
        if (request is null)
        {
            return ApiErrors.BadRequest("The request body is not valid JSON.", "contacts.api.bad.request");
        }

        var label = request.Label?.Trim();
        if (string.IsNullOrEmpty(label) || label.Length > 50)
        {
            return ApiErrors.BadRequest("label is required and must be at most 50 characters.");
        }

        if (request.Type is null || !Types.Contains(request.Type))
        {
            return ApiErrors.BadRequest($"type is required and must be one of {string.Join(", ", Types)}.");
        }

        // "Constructed from the label by replacing blanks with underscores" (the vendor's words); nothing else changes.
        var name = label.Replace(' ', '_');
        lock (db.Gate)
        {
            if (db.CustomFieldNameTaken(name))
            {
                return ApiErrors.Conflict($"A custom field named '{name}' already exists.");
            }

            if (db.CustomFields.Count >= ContactDatabase.MaxCustomFields)
            {
                return ApiErrors.BadRequest("The account already has the maximum of 100 custom fields.", "contacts.api.limit.exceeded");
            }

            var field = db.CreateCustomField(label, name, request.Type, Timestamps.Now(time));
            return Results.Json(CustomFieldResource.From(field), SandboxJsonContext.Default.CustomFieldResource, statusCode: StatusCodes.Status201Created);
        }
    }
}
