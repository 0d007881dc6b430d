namespace ConstantContact.Sandbox.Contacts;

/// <summary>One phone number of a contact; a contact has at most one of each kind and three in all.</summary>
public sealed class ContactPhone
{
    public required Guid Id { get; init; }

    public required string Kind { get; init; }

    public required string Number { get; set; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; set; }
}
