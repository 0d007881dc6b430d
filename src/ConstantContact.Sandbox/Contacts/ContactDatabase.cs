namespace ConstantContact.Sandbox.Contacts;

/// <summary>
/// The account's data, in memory. One lock (<see cref="Gate"/>) guards all of it: every caller holds it, and
/// import processing takes it a chunk at a time so that reads never wait long. Dictionaries keep every look-up
/// O(1), which is what lets a million-contact import finish in seconds.
/// </summary>
public sealed class ContactDatabase
{
    public const int MaxLists = 1_000;
    public const int MaxCustomFields = 100;

    private readonly Dictionary<Guid, ContactList> lists = [];
    private readonly Dictionary<string, ContactList> listsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ContactList> listOrder = [];
    private readonly Dictionary<Guid, CustomField> fields = [];
    private readonly Dictionary<string, CustomField> fieldsByName = new(StringComparer.Ordinal);
    private readonly List<CustomField> fieldOrder = [];
    private readonly Dictionary<string, Contact> contactsByEmail = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, Contact> contactsById = [];
    private readonly List<Contact> contactOrder = [];

    public object Gate { get; } = new();

    public IReadOnlyList<ContactList> Lists => listOrder;

    public IReadOnlyList<CustomField> CustomFields => fieldOrder;

    public IReadOnlyList<Contact> Contacts => contactOrder;

    public ContactList? FindList(Guid id) => lists.GetValueOrDefault(id);

    /// <summary>List names are unique without regard to case, so the name filter matches the same way.</summary>
    public ContactList? FindListByName(string name) => listsByName.GetValueOrDefault(name);

    public ContactList CreateList(string name, string? description, bool favorite, DateTime now)
    {
        var list = new ContactList
        {
            Id = Guid.NewGuid(), Name = name, Description = description, Favorite = favorite, CreatedAt = now, UpdatedAt = now,
        };
        lists.Add(list.Id, list);
        listsByName.Add(name, list);
        listOrder.Add(list);
        return list;
    }

    public CustomField? FindCustomField(Guid id) => fields.GetValueOrDefault(id);

    /// <summary>Exact (ordinal) match: a client must use the name the API gave it, not a guess at the label.</summary>
    public CustomField? FindCustomField(string name) => fieldsByName.GetValueOrDefault(name);

    public bool CustomFieldNameTaken(string name) =>
        fieldOrder.Any(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public CustomField CreateCustomField(string label, string name, string type, DateTime now)
    {
        var field = new CustomField { Id = Guid.NewGuid(), Label = label, Name = name, Type = type, CreatedAt = now };
        fields.Add(field.Id, field);
        fieldsByName.Add(name, field);
        fieldOrder.Add(field);
        return field;
    }

    public Contact? FindContact(Guid id) => contactsById.GetValueOrDefault(id);

    public Contact? FindContactByEmail(string email) => contactsByEmail.GetValueOrDefault(EmailKey(email));

    public Contact CreateContact(string email, DateTime now)
    {
        var contact = new Contact
        {
            Id = Guid.NewGuid(), Sequence = contactOrder.Count, Email = email, CreatedAt = now, UpdatedAt = now,
        };
        contactsByEmail.Add(EmailKey(email), contact);
        contactsById.Add(contact.Id, contact);
        contactOrder.Add(contact);
        return contact;
    }

    /// <summary>Adds a membership; false when the contact was already a member.</summary>
    public static bool AddMembership(Contact contact, ContactList list)
    {
        if (!list.Members.Add(contact))
        {
            return false;
        }

        contact.Lists.Add(list);
        return true;
    }

    public static bool RemoveMembership(Contact contact, ContactList list)
    {
        if (!list.Members.Remove(contact))
        {
            return false;
        }

        contact.Lists.Remove(list);
        return true;
    }

    /// <summary>
    /// An account-wide opt-out: the contact (created when it is new) leaves every list, and imports can no
    /// longer add it to one.
    /// </summary>
    public Contact Unsubscribe(string email, DateTime now)
    {
        var contact = FindContactByEmail(email) ?? CreateContact(email, now);
        contact.PermissionToSend = "unsubscribed";
        contact.OptOutDate = now;
        contact.UpdatedAt = now;
        foreach (var list in contact.Lists.ToArray())
        {
            RemoveMembership(contact, list);
        }

        return contact;
    }

    public static string EmailKey(string email) => email.ToLowerInvariant();
}
