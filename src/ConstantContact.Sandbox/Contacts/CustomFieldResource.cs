using System.Text.Json.Serialization;

namespace ConstantContact.Sandbox.Contacts;

public sealed class CustomFieldResource
{
    public required Guid CustomFieldId { get; init; }

    public required string Label { get; init; }

    public required string Name { get; init; }

    public required string Type { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; init; }

    public static CustomFieldResource From(CustomField field) => new()
    {
        CustomFieldId = field.Id, Label = field.Label, Name = field.Name, Type = field.Type,
        CreatedAt = field.CreatedAt, UpdatedAt = field.CreatedAt,
    };
}

public sealed class CustomFieldPage
{
    public required IReadOnlyList<CustomFieldResource> CustomFields { get; init; }

    [JsonPropertyName("_links")]
    public Json.Links? Links { get; init; }
}

public sealed class CreateCustomFieldRequest
{
    public string? Label { get; init; }

    public string? Type { get; init; }
}
