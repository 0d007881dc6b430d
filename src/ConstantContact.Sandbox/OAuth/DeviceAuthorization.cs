namespace ConstantContact.Sandbox.OAuth;

/// <summary>One device code between /device/authorize and the token it turns into.</summary>
public sealed class DeviceAuthorization
{
    public required string DeviceCode { get; init; }

    public required string UserCode { get; init; }

    public required string ClientId { get; init; }

    public required IReadOnlySet<string> Scopes { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required TimeSpan Interval { get; set; }

    public DeviceAuthorizationStatus Status { get; set; }

    public DateTimeOffset? LastPolledAt { get; set; }
}

public enum DeviceAuthorizationStatus
{
    Pending,
    Approved,
    Denied,
    Redeemed,
}
