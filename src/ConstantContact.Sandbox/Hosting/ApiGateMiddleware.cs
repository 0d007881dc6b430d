using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using ConstantContact.Sandbox.Faults;
using ConstantContact.Sandbox.Inspection;
using ConstantContact.Sandbox.Json;
using ConstantContact.Sandbox.Limits;
using ConstantContact.Sandbox.OAuth;

namespace ConstantContact.Sandbox.Hosting;

/// <summary>
/// What every /v3 request goes through before its endpoint, in this order: the fault draw; the bearer token
/// (401); the per-second limit (throttled 429, not counted against the day); the daily quota (quota_exceeded
/// 429); the endpoint's scope (403). Faults that refuse a request (500, 503, reset, throttle) come first and
/// cost no quota: the request never reached the API. A slow, lost-response or empty-200 request is served in full.
/// </summary>
public sealed class ApiGateMiddleware
{
    private readonly RequestDelegate next;

    public ApiGateMiddleware(RequestDelegate next)
    {
        this.next = next;
    }

    public async Task InvokeAsync(
        HttpContext context, FaultInjector faults, TokenStore tokens, SandboxLimits limits, RequestStatistics statistics, TimeProvider time)
    {
        var fault = faults.Next();
        if (fault is { } kind)
        {
            statistics.CountFault(kind);
        }

        switch (fault)
        {
            case FaultKind.ServerError:
                await FaultResponses.ServerError().ExecuteAsync(context);
                return;
            case FaultKind.ServiceUnavailable:
                await FaultResponses.ServiceUnavailable().ExecuteAsync(context);
                return;
            case FaultKind.Reset:
                context.Abort();
                return;
            case FaultKind.Throttle:
                statistics.CountThrottled();
                await ApiErrors.Throttled().ExecuteAsync(context);
                return;
            case FaultKind.Slow:
                await Task.Delay(TimeSpan.FromMilliseconds(faults.SlowDelayMs), time, context.RequestAborted);
                break;
        }

        var grant = BearerToken(context.Request) is { } token ? tokens.Validate(token) : null;
        if (grant is null)
        {
            await ApiErrors.Unauthorized().ExecuteAsync(context);
            return;
        }

        if (!limits.Api.TryAcquire(grant.ClientId))
        {
            statistics.CountThrottled();
            await ApiErrors.Throttled().ExecuteAsync(context);
            return;
        }

        if (!limits.Quota.TryConsume(grant.ClientId))
        {
            await ApiErrors.QuotaExceeded().ExecuteAsync(context);
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is { } required && !grant.Scopes.Contains(required.Scope))
        {
            await ApiErrors.Forbidden($"The access token lacks the '{required.Scope}' scope.").ExecuteAsync(context);
            return;
        }

        if (fault == FaultKind.EmptyAnswer)
        {
            // Serve the request in full, then answer a success that names nothing, as a broken proxy or server might.
            var body = context.Response.Body;
            context.Response.Body = new MemoryStream();
            await next(context);
            context.Response.Body = body;
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{}");
            return;
        }

        if (fault != FaultKind.LostResponse)
        {
            await next(context);
            return;
        }

        // Serve the request in full into a buffer that is thrown away, then drop the connection: the client
        // cannot tell whether its request was applied, and it was.
        context.Response.Body = new MemoryStream();
        await next(context);
        context.Abort();
    }

    private static string? BearerToken(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
        && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrEmpty(header.Parameter)
            ? header.Parameter
            : null;
}
