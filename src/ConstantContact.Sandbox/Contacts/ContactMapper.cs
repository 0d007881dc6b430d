namespace ConstantContact.Sandbox.Contacts;

/// <summary>Turns a stored contact into its API shape. Callers hold the database lock.</summary>
public static class ContactMapper
{
    public static ContactResource ToResource(Contact contact, ContactIncludes includes) => new()
    {
        ContactId = contact.Id,
        EmailAddress = new EmailAddressResource
        {
            Address = contact.Email,
            PermissionToSend = contact.PermissionToSend,
            CreatedAt = contact.CreatedAt,
            UpdatedAt = contact.UpdatedAt,
            OptInSource = contact.CreateSource,
            OptInDate = contact.CreatedAt,
            OptOutSource = contact.IsUnsubscribed ? "Contact" : null,
            OptOutDate = contact.OptOutDate,
        },
        FirstName = contact.FirstName,
        LastName = contact.LastName,
        JobTitle = contact.JobTitle,
        CompanyName = contact.CompanyName,
        BirthdayMonth = contact.BirthdayMonth,
        BirthdayDay = contact.BirthdayDay,
        Anniversary = contact.Anniversary,
        CreateSource = contact.CreateSource,
        CreatedAt = contact.CreatedAt,
        UpdatedAt = contact.UpdatedAt,
        PhoneNumbers = includes.HasFlag(ContactIncludes.PhoneNumbers)
            ? (contact.Phones ?? []).Select(p => new PhoneNumberResource
            {
                PhoneNumberId = p.Id, PhoneNumber = p.Number, Kind = p.Kind, CreatedAt = p.CreatedAt, UpdatedAt = p.UpdatedAt,
            }).ToArray()
            : null,
        StreetAddresses = includes.HasFlag(ContactIncludes.StreetAddresses)
            ? (contact.Addresses ?? []).Select(a => new StreetAddressResource
            {
                StreetAddressId = a.Id,
                Kind = a.Kind,
                // The contact resource has one street line; an import's street2 is kept on a second line.
                Street = a.Street2 is null ? a.Street : $"{a.Street}\n{a.Street2}",
                City = a.City,
                State = a.State,
                PostalCode = a.PostalCode,
                Country = a.Country,
                CreatedAt = a.CreatedAt,
                UpdatedAt = a.UpdatedAt,
            }).ToArray()
            : null,
        CustomFields = includes.HasFlag(ContactIncludes.CustomFields)
            ? (contact.CustomFields ?? []).Select(p => new CustomFieldValueResource { CustomFieldId = p.Key, Value = p.Value }).ToArray()
            : null,
        ListMemberships = includes.HasFlag(ContactIncludes.ListMemberships) ? contact.Lists.Select(l => l.Id).ToArray() : null,
    };
}
