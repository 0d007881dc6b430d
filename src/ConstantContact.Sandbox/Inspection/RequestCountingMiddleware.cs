using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ConstantContact.Sandbox.Inspection;

/// <summary>Counts every request outside /__sandbox by route, and the largest request body.</summary>
public sealed class RequestCountingMiddleware
{
    private readonly RequestDelegate next;

    public RequestCountingMiddleware(RequestDelegate next)
    {
        this.next = next;
    }

    public async Task InvokeAsync(HttpContext context, RequestStatistics statistics)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        statistics.CountRequest($"{context.Request.Method} {pattern}");
        var counting = new CountingReadStream(context.Request.Body);
        context.Request.Body = counting;
        try
        {
            await next(context);
        }
        finally
        {
            statistics.CountRequestBytes(Math.Max(context.Request.ContentLength ?? 0, counting.BytesRead));
        }
    }
}
