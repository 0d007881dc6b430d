using System;
using System.Net.Http;
using ConstantContactExport.Engine.Auth;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// What the shared handlers need to know about one request that the pooled handler chain cannot: whose tokens
/// to use and where to report. <see cref="ConnectionContextHandler"/> puts it on every request of a
/// connection's HttpClient.
/// </summary>
public sealed class ApiRequestContext
{
    // HttpRequestMessage.Properties: the netstandard2.0 spelling of HttpRequestMessage.Options.
    internal const string PropertyName = "ConstantContactExport.ApiRequestContext";

    public ApiRequestContext(IAccessTokenSource? tokens, Action<string>? log, Uri rateLimitKey)
    {
        Tokens = tokens;
        Log = log;
        RateLimitKey = rateLimitKey ?? throw new ArgumentNullException(nameof(rateLimitKey));
    }

    /// <summary>Bearer tokens for the request; null for the authorization server, which takes none.</summary>
    public IAccessTokenSource? Tokens { get; }

    /// <summary>Where one line per request goes (the cmdlet's Verbose stream); may be called on any thread.</summary>
    public Action<string>? Log { get; }

    /// <summary>The API base URI whose rate limit the request counts against.</summary>
    public Uri RateLimitKey { get; }

    public static ApiRequestContext? Of(HttpRequestMessage request)
    {
#pragma warning disable CS0618 // Properties is the only per-request bag on netstandard2.0.
        return request.Properties.TryGetValue(PropertyName, out object? value) ? value as ApiRequestContext : null;
#pragma warning restore CS0618
    }

    internal void AttachTo(HttpRequestMessage request)
    {
#pragma warning disable CS0618
        if (!request.Properties.ContainsKey(PropertyName))
        {
            request.Properties[PropertyName] = this;
        }
#pragma warning restore CS0618
    }

    internal void Write(string message)
    {
        try
        {
            Log?.Invoke(message);
        }
        catch (InvalidOperationException)
        {
            // The cmdlet that asked has finished; its log has nowhere to go.
        }
    }
}
