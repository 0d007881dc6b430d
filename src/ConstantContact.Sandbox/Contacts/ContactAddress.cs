namespace ConstantContact.Sandbox.Contacts;

/// <summary>One street address of a contact; at most one of each kind (home, work, other).</summary>
public sealed class ContactAddress
{
    public required Guid Id { get; init; }

    public required string Kind { get; init; }

    public string? Street { get; set; }

    public string? Street2 { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    public string? Country { get; set; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; set; }
}
