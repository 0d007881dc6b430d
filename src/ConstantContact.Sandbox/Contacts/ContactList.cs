namespace ConstantContact.Sandbox.Contacts;

/// <summary>A contact list and its members.</summary>
public sealed class ContactList
{
    public required Guid Id { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public bool Favorite { get; set; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; set; }

    public HashSet<Contact> Members { get; } = [];

    public int ActiveMemberCount => Members.Count(m => !m.IsUnsubscribed);
}
