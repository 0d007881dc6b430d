namespace ConstantContact.Sandbox.Json;

/// <summary>Constant Contact's error item: sent alone for 401 and 429, in an array for everything else.</summary>
public sealed class ApiError
{
    public required string ErrorKey { get; init; }

    public required string ErrorMessage { get; init; }
}
