namespace ConstantContact.Sandbox.Contacts;

/// <summary>A contact of the account, keyed by its email address without regard to case.</summary>
public sealed class Contact
{
    public required Guid Id { get; init; }

    /// <summary>Position in creation order: the cursor of GET /contacts walks it.</summary>
    public required int Sequence { get; init; }

    public required string Email { get; set; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; set; }

    /// <summary><c>implicit</c> for contacts an import created; <c>unsubscribed</c> once they opt out.</summary>
    public string PermissionToSend { get; set; } = "implicit";

    public DateTime? OptOutDate { get; set; }

    /// <summary><c>Account</c> for contacts an import created; <c>Contact</c> for those who joined by themselves.</summary>
    public string CreateSource { get; set; } = "Account";

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? JobTitle { get; set; }

    public string? CompanyName { get; set; }

    public int? BirthdayMonth { get; set; }

    public int? BirthdayDay { get; set; }

    public string? Anniversary { get; set; }

    // The sub-collections are made on first use: most contacts of a big import never have any, and a
    // million empty collections would be a third of the sandbox's memory.
    public List<ContactPhone>? Phones { get; set; }

    public List<ContactAddress>? Addresses { get; set; }

    /// <summary>Custom field id to value, in the order first set.</summary>
    public Dictionary<Guid, string>? CustomFields { get; set; }

    public List<ContactList> Lists { get; } = [];

    public bool IsUnsubscribed => PermissionToSend == "unsubscribed";
}
