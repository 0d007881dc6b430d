using System;
using System.Net;
using System.Net.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// The process's one HTTP pipeline: an IHttpClientFactory (Microsoft.Extensions.Http, in a private
/// ServiceCollection, so nothing leaks into or out of the host) with two named chains.
/// <list type="bullet">
/// <item><see cref="ApiClientName"/>, outermost first: bearer token with one refresh on 401; the shared 4-a-second limiter; one log line per
/// attempt; no answer read past 16 MiB (<see cref="ResponseSizeLimitHandler"/>). Responses come back as they are, errors included, so that callers with rules of their own (the
/// import API's 429 and in-doubt handling, the GET retries of <see cref="RetryPolicy.SendGetAsync"/>) see the status; <see cref="ConstantContactApiException.FromResponseAsync"/>
/// turns one into a typed error.</item>
/// <item><see cref="AuthClientName"/> (the authorization server): the log line and the size cap only; <c>OAuthClient</c> reads
/// OAuth errors itself, since <c>authorization_pending</c> and friends are answers, not failures.</item>
/// </list>
/// The factory pools and recycles the socket handlers, so DNS changes are seen and sockets are not exhausted.
/// </summary>
public sealed class HttpPipeline : IDisposable
{
    public const string ApiClientName = "ConstantContact.Api";
    public const string AuthClientName = "ConstantContact.Auth";

    private static readonly Lazy<HttpPipeline> SharedPipeline = new(() => new HttpPipeline(TimeProvider.System, null, null));

    private readonly ServiceProvider services;
    private readonly IHttpMessageHandlerFactory handlers;

    /// <param name="time">The clock for pauses and durations.</param>
    /// <param name="primaryHandler">The innermost handler; by default an HttpClientHandler (tests pass a fake).</param>
    /// <param name="limiterFor">The rate limiter of an API base URI; by default the process-wide ones.</param>
    /// <param name="random">The jitter source; seed it to repeat a test.</param>
    public HttpPipeline(TimeProvider time, Func<HttpMessageHandler>? primaryHandler, Func<Uri, ApiRateLimiter>? limiterFor, Random? random = null)
    {
        Time = time ?? throw new ArgumentNullException(nameof(time));
        Retry = new RetryPolicy(time, random);
        Func<HttpMessageHandler> primary = primaryHandler ?? CreatePrimaryHandler;
        Func<Uri, ApiRateLimiter> limiters = limiterFor ?? ApiRateLimiters.For;

        var collection = new ServiceCollection();
        collection.AddHttpClient(ApiClientName)
            .ConfigurePrimaryHttpMessageHandler(primary)
            .AddHttpMessageHandler(() => new BearerTokenHandler())
            .AddHttpMessageHandler(() => new RateLimitHandler(limiters))
            .AddHttpMessageHandler(() => new RequestLogHandler(time))
            .AddHttpMessageHandler(() => new ResponseSizeLimitHandler());
        collection.AddHttpClient(AuthClientName)
            .ConfigurePrimaryHttpMessageHandler(primary)
            .AddHttpMessageHandler(() => new RequestLogHandler(time))
            .AddHttpMessageHandler(() => new ResponseSizeLimitHandler());
        services = collection.BuildServiceProvider();
        handlers = services.GetRequiredService<IHttpMessageHandlerFactory>();
    }

    /// <summary>The pipeline every cmdlet uses; built on first use, kept for the life of the process.</summary>
    public static HttpPipeline Shared => SharedPipeline.Value;

    public TimeProvider Time { get; }

    /// <summary>The back-off for requests made through this pipeline that are tried again (on <see cref="Time"/>).</summary>
    public RetryPolicy Retry { get; }

    /// <summary>An HttpClient for one connection's API calls: its context on every request, BaseAddress the API base URI.</summary>
    public HttpClient CreateApiClient(Uri apiBaseUri, ApiRequestContext context)
    {
        var client = new HttpClient(new ConnectionContextHandler(context, handlers.CreateHandler(ApiClientName)), disposeHandler: true)
        {
            BaseAddress = new Uri(apiBaseUri.AbsoluteUri.TrimEnd('/') + "/"),
        };
        return client;
    }

    /// <summary>An HttpClient for the authorization server (token, device, revoke).</summary>
    public HttpClient CreateAuthClient() =>
        new(handlers.CreateHandler(AuthClientName), disposeHandler: false);

    public void Dispose() => services.Dispose();

    private static HttpMessageHandler CreatePrimaryHandler() => new HttpClientHandler
    {
        // Redirects would carry the Authorization header to wherever they point; the API does not redirect.
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
    };
}
