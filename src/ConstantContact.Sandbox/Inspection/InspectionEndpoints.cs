using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ConstantContact.Sandbox.Activities;
using ConstantContact.Sandbox.Contacts;
using ConstantContact.Sandbox.Faults;
using ConstantContact.Sandbox.Hosting;
using ConstantContact.Sandbox.Json;
using ConstantContact.Sandbox.Limits;
using ConstantContact.Sandbox.OAuth;

namespace ConstantContact.Sandbox.Inspection;

/// <summary>/__sandbox: not part of Constant Contact. No token, loopback callers only, never counted or faulted.</summary>
public static class InspectionEndpoints
{
    public const string BasePath = "/__sandbox";

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(BasePath).AddEndpointFilter(LoopbackOnlyAsync);
        group.MapGet("/state", State);
        group.MapGet("/lists/{list_id}/members", Members);
        group.MapPost("/lists/{list_id}/members", AddMembersAsync);
        group.MapGet("/contacts", FindContact);
        group.MapPost("/reset-quota", (SandboxLimits limits) =>
        {
            limits.Quota.Reset();
            return Results.NoContent();
        });
        group.MapPost("/faults", FaultsAsync);
        group.MapPost("/activity-ends", ActivityEndsAsync);
        group.MapPost("/unsubscribe", UnsubscribeAsync);
        group.MapPost("/approve", ApproveAsync);
        group.MapPost("/token-lifetime", TokenLifetimeAsync);
    }

    private static async ValueTask<object?> LoopbackOnlyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var remote = context.HttpContext.Connection.RemoteIpAddress;
        return remote is null || System.Net.IPAddress.IsLoopback(remote)
            ? await next(context)
            : Results.StatusCode(StatusCodes.Status403Forbidden);
    }

    private static IResult State(
        ContactDatabase db, ActivityStore activities, RequestStatistics statistics, TokenStore tokens,
        FaultInjector faults, SandboxLimits limits, SandboxOptions options)
    {
        var snapshot = statistics.Snapshot();
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var memory = new MemorySummary
        {
            WorkingSetBytes = process.WorkingSet64,
            PeakWorkingSetBytes = process.PeakWorkingSet64,
            GcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
        };
        lock (db.Gate)
        {
            var all = activities.All();
            var state = new SandboxStateResource
            {
                RequestsTotal = snapshot.Total,
                RequestsByRoute = new Dictionary<string, long>(snapshot.ByRoute, StringComparer.Ordinal),
                ThrottledResponses = snapshot.Throttled,
                MaxRequestBytes = snapshot.MaxRequestBytes,
                MaxContactsInRequest = snapshot.MaxContactsInRequest,
                IssuedTokens = tokens.IssuedTokens(),
                Lists = db.Lists.Select(l => new ListSummary { ListId = l.Id, Name = l.Name, MembershipCount = l.Members.Count }).ToArray(),
                Activities = all.Select(a => new ActivitySummary
                {
                    ActivityId = a.Id,
                    Type = a.Type,
                    State = ActivityResource.StateName(a.State),
                    ListIds = a.ListIds,
                    PersonCount = a.PersonCount,
                    CreatedAt = a.CreatedAt,
                }).ToArray(),
                FaultsInjected = new Dictionary<string, long>(snapshot.Faults, StringComparer.Ordinal),
                ImportedContactsTotal = all.Where(a => a.IsImport).Sum(a => (long)a.PersonCount),
                ContactsTotal = db.Contacts.Count,
                QuotaUsed = limits.Quota.Used(options.ClientId),
                FaultSettings = faults.Settings(),
                Memory = memory,
            };
            return Results.Json(state, SandboxJsonContext.Default.SandboxStateResource);
        }
    }

    private static IResult Members([FromRoute(Name = "list_id")] string listId, ContactDatabase db)
    {
        lock (db.Gate)
        {
            if (!Guid.TryParse(listId, out var id) || db.FindList(id) is not { } list)
            {
                return ApiErrors.NotFound("No list was found for the list_id provided.");
            }

            var members = list.Members.OrderBy(c => c.Sequence).Select(c => ContactMapper.ToResource(c, ContactIncludes.All)).ToArray();
            return Results.Json(
                new ListMembersResource { ListId = list.Id, MembersCount = members.Length, Members = members },
                SandboxJsonContext.Default.ListMembersResource);
        }
    }

    /// <summary>One contact by email (without regard to case), with every sub-resource: its status and lists.</summary>
    private static IResult FindContact(HttpContext context, ContactDatabase db)
    {
        var email = context.Request.Query["email"].ToString();
        if (string.IsNullOrWhiteSpace(email))
        {
            return ApiErrors.BadRequest("Send ?email=<address>.");
        }

        lock (db.Gate)
        {
            return db.FindContactByEmail(email.Trim()) is { } contact
                ? Results.Json(ContactMapper.ToResource(contact, ContactIncludes.All), SandboxJsonContext.Default.ContactResource)
                : ApiErrors.NotFound("No contact has that email address.");
        }
    }

    /// <summary>
    /// Adds contacts to a list the way a sign-up form would (not through an import): created when new, with
    /// explicit permission and create_source Contact. Unsubscribed contacts are not added. Answers how many joined.
    /// </summary>
    private static async Task<IResult> AddMembersAsync(HttpContext context, [FromRoute(Name = "list_id")] string listId, ContactDatabase db, TimeProvider time)
    {
        var request = await JsonBody.ReadAsync(context.Request, SandboxJsonContext.Default.UnsubscribeRequest);
        if (request?.Emails is not { } emails)
        {
            return ApiErrors.BadRequest("Send {\"emails\":[\"...\"]}.");
        }

        lock (db.Gate)
        {
            if (!Guid.TryParse(listId, out var id) || db.FindList(id) is not { } list)
            {
                return ApiErrors.NotFound("No list was found for the list_id provided.");
            }

            var now = Timestamps.Now(time);
            var added = 0;
            foreach (var email in emails.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()))
            {
                var contact = db.FindContactByEmail(email);
                if (contact is null)
                {
                    contact = db.CreateContact(email, now);
                    contact.PermissionToSend = "explicit";
                    contact.CreateSource = "Contact";
                }

                if (!contact.IsUnsubscribed && ContactDatabase.AddMembership(contact, list))
                {
                    contact.UpdatedAt = now;
                    added++;
                }
            }

            return Results.Json(new CountResource { Count = added }, SandboxJsonContext.Default.CountResource);
        }
    }

    private static async Task<IResult> FaultsAsync(HttpContext context, FaultInjector faults)
    {
        var settings = await JsonBody.ReadAsync(context.Request, SandboxJsonContext.Default.FaultSettings);
        if (settings is null)
        {
            return ApiErrors.BadRequest("Send {\"rate\":0.1,\"kinds\":[\"500\"],\"seed\":1} (every member optional).");
        }

        IReadOnlyList<FaultKind>? kinds;
        try
        {
            kinds = settings.Kinds?.Select(FaultKindNames.Parse).Distinct().ToArray();
        }
        catch (ArgumentException ex)
        {
            return ApiErrors.BadRequest(ex.Message);
        }

        if (settings.Rate is < 0 or > 1 || kinds is { Count: 0 } || settings.SlowMs is < 0)
        {
            return ApiErrors.BadRequest("rate must be from 0 to 1, kinds must not be empty, slow_ms must not be negative.");
        }

        faults.Configure(settings.Rate, kinds, settings.Seed, settings.SlowMs);
        return Results.Json(faults.Settings(), SandboxJsonContext.Default.FaultSettings);
    }

    private static async Task<IResult> TokenLifetimeAsync(HttpContext context, TokenStore tokens)
    {
        var request = await JsonBody.ReadAsync(context.Request, SandboxJsonContext.Default.TokenLifetimeSetting);
        if (request?.Seconds is not (>= 1 and var seconds))
        {
            return ApiErrors.BadRequest("Send {\"seconds\":15}: the lifetime of access tokens issued from now on, 1 or more.");
        }

        tokens.SetAccessLifetime(seconds);
        return Results.Json(new TokenLifetimeSetting { Seconds = seconds }, SandboxJsonContext.Default.TokenLifetimeSetting);
    }

    private static async Task<IResult> ActivityEndsAsync(HttpContext context, ActivityEndFaults ends)
    {
        var request = await JsonBody.ReadAsync(context.Request, SandboxJsonContext.Default.ActivityEndsRequest);
        if (request?.Ends is not { } names)
        {
            return ApiErrors.BadRequest($"Send {{\"ends\":[\"failed\"]}}: any of {string.Join(", ", ActivityEndFaults.Names)}, in the order the next activities end.");
        }

        List<ActivityState> parsed;
        try
        {
            parsed = names.Select(ActivityEndFaults.Parse).ToList();
        }
        catch (ArgumentException ex)
        {
            return ApiErrors.BadRequest(ex.Message);
        }

        ends.Add(parsed);
        return Results.Json(new ActivityEndsResource { Pending = ends.Pending() }, SandboxJsonContext.Default.ActivityEndsResource);
    }

    private static async Task<IResult> UnsubscribeAsync(HttpContext context, ContactDatabase db, TimeProvider time)
    {
        var request = await JsonBody.ReadAsync(context.Request, SandboxJsonContext.Default.UnsubscribeRequest);
        if (request?.Emails is not { } emails)
        {
            return ApiErrors.BadRequest("Send {\"emails\":[\"...\"]}.");
        }

        lock (db.Gate)
        {
            var now = Timestamps.Now(time);
            foreach (var email in emails.Where(e => !string.IsNullOrWhiteSpace(e)))
            {
                db.Unsubscribe(email.Trim(), now);
            }
        }

        return Results.Json(new CountResource { Count = emails.Count }, SandboxJsonContext.Default.CountResource);
    }

    private static async Task<IResult> ApproveAsync(HttpContext context, DeviceAuthorizationStore devices)
    {
        ApproveRequest? request = null;
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                request = JsonSerializer.Deserialize(body, SandboxJsonContext.Default.ApproveRequest);
            }
            catch (JsonException)
            {
                return ApiErrors.BadRequest("Send {\"user_code\":\"...\"}, or nothing to approve every pending code.");
            }
        }

        var count = devices.Decide(request?.UserCode, approve: request?.Deny != true);
        return Results.Json(new CountResource { Count = count }, SandboxJsonContext.Default.CountResource);
    }
}
