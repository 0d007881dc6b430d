using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// An error answer from Constant Contact's API (<c>{error_key, error_message}</c>, one or an array) or its
/// authorization server (<c>{error, error_description}</c>). Carries what a caller branches on (status, error
/// key) and what a person reads (the server's message), never a token or a request body.
/// </summary>
public sealed class ConstantContactApiException : Exception
{
    public ConstantContactApiException(
        int statusCode,
        string method,
        string route,
        IReadOnlyList<ApiErrorDetail> errors,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(Describe(statusCode, method, route, errors), innerException)
    {
        StatusCode = statusCode;
        Method = method;
        Route = route;
        Errors = errors ?? Array.Empty<ApiErrorDetail>();
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status (429, 401...).</summary>
    public int StatusCode { get; }

    /// <summary>The first error's key: <c>throttled</c>, <c>quota_exceeded</c>, <c>unauthorized</c>, <c>invalid_grant</c>...</summary>
    public string? ErrorKey => Errors.Count > 0 ? Errors[0].ErrorKey : null;

    /// <summary>The first error's message, as the server wrote it (anything that looks like a token removed).</summary>
    public string? ErrorMessage => Errors.Count > 0 ? Errors[0].ErrorMessage : null;

    public IReadOnlyList<ApiErrorDetail> Errors { get; }

    public string Method { get; }

    /// <summary>The request's path, with query values left out (they may be personal data).</summary>
    public string Route { get; }

    /// <summary>The server's Retry-After, when it sent one (Constant Contact is not known to).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// The typed error of an answer that is not a success (the body read, the response left to the caller to
    /// dispose). The bearer token the request carried is redacted from whatever the server wrote.
    /// </summary>
    public static async Task<ConstantContactApiException> FromResponseAsync(HttpResponseMessage response, TimeProvider time)
    {
        HttpRequestMessage? request = response.RequestMessage;
        string? body = await ApiResponses.ReadErrorBodyAsync(response).ConfigureAwait(false);
        return new ConstantContactApiException(
            (int)response.StatusCode,
            request?.Method.Method ?? "?",
            RequestRoute.Of(request?.RequestUri),
            ApiErrorParser.Parse(body, response.ReasonPhrase, request?.Headers.Authorization?.Parameter),
            RetryPolicy.RetryAfter(response, time.GetUtcNow()));
    }

    private static string Describe(int statusCode, string method, string route, IReadOnlyList<ApiErrorDetail> errors)
    {
        string what = errors is { Count: > 0 }
            ? string.Join("; ", ToText(errors))
            : "no error details";
        return $"{method} {route} failed with HTTP {statusCode}: {what}.";
    }

    private static IEnumerable<string> ToText(IReadOnlyList<ApiErrorDetail> errors)
    {
        foreach (ApiErrorDetail error in errors)
        {
            yield return error.ToString();
        }
    }
}
