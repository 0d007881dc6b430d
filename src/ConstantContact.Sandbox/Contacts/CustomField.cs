namespace ConstantContact.Sandbox.Contacts;

/// <summary>A custom field definition; imports name it <c>cf:</c> + <see cref="Name"/>.</summary>
public sealed class CustomField
{
    public required Guid Id { get; init; }

    public required string Label { get; init; }

    /// <summary>Read-only, made from the label by replacing blanks with underscores.</summary>
    public required string Name { get; init; }

    public required string Type { get; init; }

    public required DateTime CreatedAt { get; init; }
}
