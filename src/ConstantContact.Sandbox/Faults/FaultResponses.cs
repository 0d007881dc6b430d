using Microsoft.AspNetCore.Http;
using ConstantContact.Sandbox.Json;

namespace ConstantContact.Sandbox.Faults;

/// <summary>The answers of the faults that answer at all.</summary>
public static class FaultResponses
{
    public static IResult ServerError() =>
        ApiErrors.Array(StatusCodes.Status500InternalServerError, "server_error", "An unexpected error occurred. (sandbox fault)");

    public static IResult ServiceUnavailable() =>
        ApiErrors.Array(StatusCodes.Status503ServiceUnavailable, "service_unavailable", "The service is temporarily unavailable. (sandbox fault)");
}
