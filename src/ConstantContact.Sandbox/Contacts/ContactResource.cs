namespace ConstantContact.Sandbox.Contacts;

/// <summary>A contact as GET /contacts shows it (the V3 contact resource, the parts the sandbox keeps).</summary>
public sealed class ContactResource
{
    public required Guid ContactId { get; init; }

    public required EmailAddressResource EmailAddress { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? JobTitle { get; init; }

    public string? CompanyName { get; init; }

    public int? BirthdayMonth { get; init; }

    public int? BirthdayDay { get; init; }

    public string? Anniversary { get; init; }

    public string CreateSource { get; init; } = "Account";

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; init; }

    public IReadOnlyList<PhoneNumberResource>? PhoneNumbers { get; init; }

    public IReadOnlyList<StreetAddressResource>? StreetAddresses { get; init; }

    public IReadOnlyList<CustomFieldValueResource>? CustomFields { get; init; }

    public IReadOnlyList<Guid>? ListMemberships { get; init; }
}

public sealed class EmailAddressResource
{
    public required string Address { get; init; }

    public required string PermissionToSend { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; init; }

    public string OptInSource { get; init; } = "Account";

    public DateTime? OptInDate { get; init; }

    public string? OptOutSource { get; init; }

    public DateTime? OptOutDate { get; init; }

    public string ConfirmStatus { get; init; } = "off";
}

public sealed class PhoneNumberResource
{
    public required Guid PhoneNumberId { get; init; }

    public required string PhoneNumber { get; init; }

    public required string Kind { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; init; }
}

public sealed class StreetAddressResource
{
    public required Guid StreetAddressId { get; init; }

    public required string Kind { get; init; }

    public string? Street { get; init; }

    public string? City { get; init; }

    public string? State { get; init; }

    public string? PostalCode { get; init; }

    public string? Country { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; init; }
}

public sealed class CustomFieldValueResource
{
    public required Guid CustomFieldId { get; init; }

    public required string Value { get; init; }
}

public sealed class ContactPage
{
    public required IReadOnlyList<ContactResource> Contacts { get; init; }

    public int? ContactsCount { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("_links")]
    public Json.Links? Links { get; init; }
}
