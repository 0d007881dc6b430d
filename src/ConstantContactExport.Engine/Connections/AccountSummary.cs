using System.Text.Json;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// What GET /account/summary says about the account, reduced to what names it: the organization, or the
/// encoded account id. The owner's name, email and phone are personal data and are not kept.
/// </summary>
public sealed class AccountSummary
{
    public AccountSummary(string? organizationName, string? encodedAccountId)
    {
        OrganizationName = organizationName;
        EncodedAccountId = encodedAccountId;
    }

    public string? OrganizationName { get; }

    public string? EncodedAccountId { get; }

    /// <summary>The organization's name, else the account id.</summary>
    public string? Account => string.IsNullOrWhiteSpace(OrganizationName) ? EncodedAccountId : OrganizationName;

    public static AccountSummary Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        return new AccountSummary(Text(root, "organization_name"), Text(root, "encoded_account_id"));
    }

    public override string ToString() => Account ?? "(unnamed account)";

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
