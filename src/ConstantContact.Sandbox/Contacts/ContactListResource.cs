using System.Text.Json.Serialization;

namespace ConstantContact.Sandbox.Contacts;

public sealed class ContactListResource
{
    public required Guid ListId { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    public bool Favorite { get; init; }

    public required DateTime CreatedAt { get; init; }

    public required DateTime UpdatedAt { get; init; }

    public int? MembershipCount { get; init; }

    public static ContactListResource From(ContactList list, string? membershipCount) => new()
    {
        ListId = list.Id,
        Name = list.Name,
        Description = list.Description,
        Favorite = list.Favorite,
        CreatedAt = list.CreatedAt,
        UpdatedAt = list.UpdatedAt,
        MembershipCount = membershipCount switch
        {
            "all" => list.Members.Count,
            "active" => list.ActiveMemberCount,
            _ => null,
        },
    };
}

public sealed class ContactListPage
{
    public required IReadOnlyList<ContactListResource> Lists { get; init; }

    public int? ListsCount { get; init; }

    [JsonPropertyName("_links")]
    public Json.Links? Links { get; init; }
}

public sealed class CreateContactListRequest
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public bool? Favorite { get; init; }
}
