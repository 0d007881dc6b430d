using System.Text.Json.Serialization;

namespace ConstantContact.Sandbox.Hosting;

/// <summary>The first line of standard output: how a client reaches this sandbox. camelCase, as product.md fixes it.</summary>
public sealed class StartupBanner
{
    [JsonPropertyName("apiBaseUri")]
    public required string ApiBaseUri { get; init; }

    [JsonPropertyName("authBaseUri")]
    public required string AuthBaseUri { get; init; }

    [JsonPropertyName("clientId")]
    public required string ClientId { get; init; }
}
