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

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? JobTitle { get; set; }

    public string? CompanyName { get; set; }

    public int? BirthdayMonth { get; set; }

    public int? BirthdayDay { get; set; }

    public string? Anniversary { get; set; }

    public List<ContactPhone> Phones { get; } = [];

    public List<ContactAddress> Addresses { get; } = [];

    /// <summary>Custom field id to value, in the order first set.</summary>
    public Dictionary<Guid, string> CustomFields { get; } = [];

    public List<ContactList> Lists { get; } = [];

    public bool IsUnsubscribed => PermissionToSend == "unsubscribed";
}
