using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ConstantContact.Sandbox.Json;
using ConstantContact.Sandbox.OAuth;

namespace ConstantContact.Sandbox.Account;

/// <summary>/v3/account/summary: a fixed, obviously fake account.</summary>
public static class AccountEndpoints
{
    public static void Map(RouteGroupBuilder v3)
    {
        // The spec asks for account_read here, not contact_data.
        v3.MapGet("/account/summary", () => Results.Json(
                new AccountSummaryResource
                {
                    EncodedAccountId = "a07e1sandbox0001",
                    OrganizationName = "ConstantContact.Sandbox",
                    ContactEmail = "owner@sandbox.example.com",
                    FirstName = "Sandbox",
                    LastName = "Owner",
                    CountryCode = "US",
                    StateCode = "MA",
                    TimeZoneId = "America/New_York",
                    Website = "http://127.0.0.1/",
                },
                SandboxJsonContext.Default.AccountSummaryResource))
            .WithMetadata(new RequiredScope(Scopes.AccountRead));
    }
}
