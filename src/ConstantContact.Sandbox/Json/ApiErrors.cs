using Microsoft.AspNetCore.Http;

namespace ConstantContact.Sandbox.Json;

/// <summary>The error answers of /v3, in the shapes Constant Contact uses (see constant-contact-v3.md §4, §6).</summary>
public static class ApiErrors
{
    public const string ThrottledKey = "throttled";
    public const string QuotaExceededKey = "quota_exceeded";
    public const string QueueFullKey = "activities.queue_full";

    // 401 and the two rate-limit 429s are single objects, as the vendor documents them.
    public static IResult Unauthorized() => Single(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized");

    public static IResult Throttled() => Single(StatusCodes.Status429TooManyRequests, ThrottledKey, "Too Many Requests");

    public static IResult QuotaExceeded() => Single(StatusCodes.Status429TooManyRequests, QuotaExceededKey, "Limit Exceeded");

    // The queue limit has only a description in the spec; the array shape and key are the sandbox's choice.
    public static IResult QueueFull() =>
        Array(StatusCodes.Status429TooManyRequests, QueueFullKey, "You exceeded 1,000 queued activities for this user account.");

    public static IResult BadRequest(string message, string key = "contacts.api.validation.error") =>
        Array(StatusCodes.Status400BadRequest, key, message);

    public static IResult NotFound(string message) =>
        Array(StatusCodes.Status404NotFound, "contacts.api.not.found", message);

    public static IResult Conflict(string message) =>
        Array(StatusCodes.Status409Conflict, "contacts.api.conflict", message);

    public static IResult Forbidden(string message) =>
        Array(StatusCodes.Status403Forbidden, "forbidden", message);

    public static IResult UnsupportedMediaType(string message) =>
        Array(StatusCodes.Status415UnsupportedMediaType, "contacts.api.unsupported.media.type", message);

    public static IResult Single(int status, string key, string message) =>
        Results.Json(new ApiError { ErrorKey = key, ErrorMessage = message }, SandboxJsonContext.Default.ApiError, statusCode: status);

    public static IResult Array(int status, string key, string message) =>
        Results.Json(new[] { new ApiError { ErrorKey = key, ErrorMessage = message } }, SandboxJsonContext.Default.ApiErrorArray, statusCode: status);
}
