namespace ConstantContact.Sandbox.Account;

/// <summary>GET /v3/account/summary, the fields a client shows to say which account it reached.</summary>
public sealed class AccountSummaryResource
{
    public required string EncodedAccountId { get; init; }

    public required string OrganizationName { get; init; }

    public required string ContactEmail { get; init; }

    public required string FirstName { get; init; }

    public required string LastName { get; init; }

    public required string CountryCode { get; init; }

    public required string StateCode { get; init; }

    public required string TimeZoneId { get; init; }

    public required string Website { get; init; }
}
