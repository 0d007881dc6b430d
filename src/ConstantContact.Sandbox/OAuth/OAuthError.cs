using Microsoft.AspNetCore.Http;
using ConstantContact.Sandbox.Json;

namespace ConstantContact.Sandbox.OAuth;

/// <summary>The OAuth error body, <c>{error, error_description}</c>, as the authorization server sends it.</summary>
public sealed class OAuthError
{
    public required string Error { get; init; }

    public required string ErrorDescription { get; init; }

    public static IResult Result(int status, string error, string description) =>
        Results.Json(new OAuthError { Error = error, ErrorDescription = description }, SandboxJsonContext.Default.OAuthError, statusCode: status);

    public static IResult BadRequest(string error, string description) => Result(StatusCodes.Status400BadRequest, error, description);

    public static IResult InvalidClient(string description) => Result(StatusCodes.Status401Unauthorized, "invalid_client", description);
}
