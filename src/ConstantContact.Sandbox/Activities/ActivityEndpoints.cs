using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ConstantContact.Sandbox.Contacts;
using ConstantContact.Sandbox.Imports;
using ConstantContact.Sandbox.Inspection;
using ConstantContact.Sandbox.Json;
using ConstantContact.Sandbox.Paging;

namespace ConstantContact.Sandbox.Activities;

/// <summary>/v3/activities: the two imports, remove_list_memberships, and activity status.</summary>
public static class ActivityEndpoints
{
    // The values GET /activities takes for ?state= (the spec's enum: initialized is a state, not a filter).
    private static readonly HashSet<string> States = new(StringComparer.Ordinal)
    {
        "processing", "completed", "cancelled", "failed", "timed_out",
    };

    /// <summary>"Include up to 500 contact_id values" (spec ListActivityRemoveContacts, remove_list_membership guide).</summary>
    public const int MaxSourceContactIds = 500;

    public static void Map(RouteGroupBuilder v3)
    {
        v3.MapPost("/activities/contacts_json_import", JsonImportAsync);
        v3.MapPost("/activities/contacts_file_import", FileImportAsync).DisableAntiforgery();
        v3.MapPost("/activities/remove_list_memberships", RemoveListMembershipsAsync);
        v3.MapGet("/activities/{activity_id}", Get);
        v3.MapGet("/activities", List);
    }

    private static async Task<IResult> JsonImportAsync(HttpContext context, ContactDatabase db, ActivityStore activities, RequestStatistics statistics)
    {
        var body = await RequestBodyReader.ReadAllAsync(context.Request);
        var document = JsonImportReader.Inspect(body);
        if (document.Error is not null)
        {
            return ApiErrors.BadRequest(document.Error, document.ErrorKey);
        }

        statistics.CountContactsInRequest(document.ContactCount);
        if (!document.HasImportData || document.ContactCount == 0)
        {
            return ApiErrors.BadRequest("import_data is required and must hold at least one contact.");
        }

        // Counted over the whole body, before the 4 MB cut: a body over either limit is a client bug either way.
        if (document.ContactCount > ImportLimits.MaxJsonContacts)
        {
            return ApiErrors.BadRequest($"import_data holds {document.ContactCount:N0} contacts; the limit is 40,000.");
        }

        var listIds = ListIdRules.Check(document.ListIds, db, "list_ids", out var error, out _);
        if (listIds is null)
        {
            return ApiErrors.BadRequest(error!);
        }

        var unknown = UnknownCustomField(document.CustomFieldNames, db);
        if (unknown is not null)
        {
            return ApiErrors.BadRequest($"The custom field 'cf:{unknown}' does not exist: create it first (POST /v3/contact_custom_fields) and use its name.");
        }

        var kept = document.KeptCount;
        var activity = activities.TryEnqueue(
            ActivityTypes.JsonImport, listIds, null, kept, new ImportWork(() => JsonImportReader.ReadRows(body, kept), listIds));
        return Created(activity, db);
    }

    private static async Task<IResult> FileImportAsync(HttpContext context, ContactDatabase db, ActivityStore activities, RequestStatistics statistics)
    {
        // The vendor says: do not set a Content-Type yourself. A client that does so usually sends one without the
        // multipart boundary, or a type that is not multipart/form-data at all; either way the server answers 415.
        var contentType = context.Request.ContentType ?? string.Empty;
        if (!contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) || !contentType.Contains("boundary=", StringComparison.OrdinalIgnoreCase))
        {
            return ApiErrors.UnsupportedMediaType("This endpoint requires that Content-Type be unspecified.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return ApiErrors.BadRequest("file is required.");
        }

        if (!file.FileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return ApiErrors.UnsupportedMediaType("upload file must be of type .csv");
        }

        var listIds = ListIdRules.Check(form["list_ids"].ToString().Split(','), db, "list_ids", out var error, out var missing);
        if (listIds is null)
        {
            return missing ? ApiErrors.NotFound(error!) : ApiErrors.BadRequest(error!);
        }

        byte[] bytes;
        using (var stream = new MemoryStream())
        {
            await file.CopyToAsync(stream, context.RequestAborted);
            bytes = stream.ToArray();
        }

        var processed = CsvImportReader.Cut(bytes);
        var header = CsvImportReader.ReadHeader(processed);
        if (header is null || (!header.Contains("email") && !header.Contains("sms_number")))
        {
            return ApiErrors.BadRequest("The file must start with a header line that has an email (or sms_number) column.");
        }

        var unknown = UnknownCustomField(
            header.Where(ImportFieldCatalog.IsCustomFieldKey).Select(h => h[ImportFieldCatalog.CustomFieldPrefixLength..]), db);
        if (unknown is not null)
        {
            return ApiErrors.BadRequest($"The custom field 'cf:{unknown}' does not exist.");
        }

        var rows = CsvImportReader.ReadRows(processed);
        statistics.CountContactsInRequest(rows.Count);
        // items_total_count counts the header line too (the spec's words).
        var activity = activities.TryEnqueue(ActivityTypes.FileImport, listIds, file.FileName, rows.Count + 1, new ImportWork(() => rows, listIds));
        return Created(activity, db);
    }

    /// <summary>
    /// Remove Contacts from Lists (spec ListActivityRemoveContacts): <c>source</c> is one of <c>contact_ids</c> (1 to
    /// 500) or <c>list_ids</c> (1 to 50), mutually exclusive; <c>list_ids</c> names 1 to 50 target lists;
    /// <c>exclude.contact_ids</c> only with a list source. Membership only: contacts are neither deleted nor
    /// unsubscribed.
    /// </summary>
    private static async Task<IResult> RemoveListMembershipsAsync(HttpContext context, ContactDatabase db, ActivityStore activities)
    {
        var request = await JsonBody.ReadAsync(context.Request, SandboxJsonContext.Default.RemoveListMembershipsRequest);
        if (request?.Source is not { } source)
        {
            return ApiErrors.BadRequest("source is required.");
        }

        var targets = ListIdRules.Check(request.ListIds, db, "list_ids", out var error, out _);
        if (targets is null)
        {
            return ApiErrors.BadRequest(error!);
        }

        if (source.AllActiveContacts is not null || source.TagIds is not null || source.EngagementLevel is not null)
        {
            return ApiErrors.BadRequest("The sandbox emulates only the contact_ids and list_ids sources.");
        }

        var hasContacts = source.ContactIds is { Count: > 0 };
        var hasLists = source.ListIds is { Count: > 0 };
        if (hasContacts == hasLists)
        {
            return ApiErrors.BadRequest("source takes exactly one of contact_ids (1 to 500) or list_ids (1 to 50).");
        }

        var contactIds = new List<Guid>();
        List<Guid> sourceLists = [];
        if (hasContacts)
        {
            if (source.ContactIds!.Count > MaxSourceContactIds)
            {
                return ApiErrors.BadRequest($"source.contact_ids holds {source.ContactIds.Count} contact ids; the limit is {MaxSourceContactIds}.");
            }

            if (request.Exclude is not null)
            {
                return ApiErrors.BadRequest("exclude applies only to the list_ids or all_active_contacts source.");
            }

            foreach (var text in source.ContactIds)
            {
                if (!Guid.TryParse(text, out var id))
                {
                    return ApiErrors.BadRequest($"source.contact_ids: '{text}' is not a contact id.");
                }

                if (!contactIds.Contains(id))
                {
                    contactIds.Add(id);
                }
            }
        }
        else
        {
            var checkedLists = ListIdRules.Check(source.ListIds, db, "source.list_ids", out error, out _);
            if (checkedLists is null)
            {
                return ApiErrors.BadRequest(error!);
            }

            sourceLists = checkedLists;
        }

        var excluded = new HashSet<Guid>();
        foreach (var text in request.Exclude?.ContactIds ?? [])
        {
            if (!Guid.TryParse(text, out var id))
            {
                return ApiErrors.BadRequest($"exclude.contact_ids: '{text}' is not a contact id.");
            }

            excluded.Add(id);
        }

        var activity = activities.TryEnqueue(
            ActivityTypes.RemoveListMemberships, targets, null, contactIds.Count,
            new RemoveListMembershipsWork(contactIds, sourceLists, targets, excluded));
        return Created(activity, db);
    }

    private static IResult Get([FromRoute(Name = "activity_id")] string activityId, ContactDatabase db, ActivityStore activities)
    {
        if (!Guid.TryParse(activityId, out var id) || activities.Find(id) is not { } activity)
        {
            return ApiErrors.NotFound("Resource not found for the activity_id provided.");
        }

        lock (db.Gate)
        {
            return Results.Json(ActivityResource.From(activity), SandboxJsonContext.Default.ActivityResource);
        }
    }

    private static IResult List(HttpContext context, ContactDatabase db, ActivityStore activities)
    {
        // Pages as the API pages: _links.next carries a cursor while older activities remain.
        var parameters = PageCursor.Parameters(context.Request);
        if (parameters is null)
        {
            return ApiErrors.BadRequest("The cursor is not valid.");
        }

        var limit = QueryValues.Limit(parameters, 50, 500, out var error);
        var state = QueryValues.Text(parameters, "state");
        if (error is null && state is not null && !States.Contains(state))
        {
            error = "state must be processing, completed, cancelled, failed or timed_out.";
        }

        if (error is not null)
        {
            return ApiErrors.BadRequest(error);
        }

        lock (db.Gate)
        {
            var start = PageCursor.Start(parameters);
            var matches = activities.Recent()
                .Where(a => state is null || ActivityResource.StateName(a.State) == state)
                .ToArray();
            var page = matches.Skip(start).Take(limit).Select(ActivityResource.From).ToArray();
            var next = start + page.Length < matches.Length ? PageCursor.Href("/v3/activities", parameters, start + page.Length) : null;
            return Results.Json(new ActivityPage { Activities = page, Links = Links.NextOrNull(next) }, SandboxJsonContext.Default.ActivityPage);
        }
    }

    private static string? UnknownCustomField(IEnumerable<string> names, ContactDatabase db)
    {
        lock (db.Gate)
        {
            return names.FirstOrDefault(name => db.FindCustomField(name) is null);
        }
    }

    private static IResult Created(Activity? activity, ContactDatabase db)
    {
        if (activity is null)
        {
            return ApiErrors.QueueFull();
        }

        lock (db.Gate)
        {
            return Results.Json(ActivityResource.From(activity), SandboxJsonContext.Default.ActivityResource, statusCode: StatusCodes.Status201Created);
        }
    }
}
