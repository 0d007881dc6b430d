using ConstantContact.Sandbox.Activities;
using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Imports;

/// <summary>
/// Applies an import's rows to the account, one at a time, in body order. A row that Constant Contact would
/// flag is counted and skipped whole; a valid row creates or updates its contact (only the fields it
/// carries), and adds it to the import's lists unless it has unsubscribed. Rows with the same email are one
/// person: later rows update what earlier ones set, and the person is counted once. The caller holds the
/// database lock.
/// </summary>
public sealed class ImportApplier
{
    private readonly Activity activity;
    private readonly ContactDatabase db;
    private readonly IReadOnlyList<ContactList> lists;
    private readonly HashSet<Contact> seen = [];

    public ImportApplier(Activity activity, ContactDatabase db, IReadOnlyList<ContactList> lists)
    {
        this.activity = activity;
        this.db = db;
        this.lists = lists;
    }

    public void Apply(ImportRow row, DateTime now)
    {
        var problem = Check(row, out var correctable, out var birthdayMonth, out var birthdayDay);
        if (problem is not null)
        {
            if (correctable)
            {
                activity.CorrectableCount++;
            }
            else
            {
                activity.ErrorCount++;
            }

            activity.AddProblem(problem);
            return;
        }

        var email = row[ImportField.Email]!;
        var contact = db.FindContactByEmail(email);
        if (contact is null)
        {
            // New contacts get implicit permission and opt_in_source Account; existing ones keep theirs.
            contact = db.CreateContact(email, now);
        }

        Update(contact, row, birthdayMonth, birthdayDay, now);
        var firstTime = seen.Add(contact);
        if (firstTime)
        {
            activity.PersonCount++;
        }

        if (contact.IsUnsubscribed)
        {
            if (firstTime)
            {
                activity.CannotAddToListCount++;
            }

            return;
        }

        foreach (var list in this.lists)
        {
            ContactDatabase.AddMembership(contact, list);
        }
    }

    private string? Check(ImportRow row, out bool correctable, out int? birthdayMonth, out int? birthdayDay)
    {
        correctable = true;
        birthdayMonth = null;
        birthdayDay = null;
        if (row.Problem is not null)
        {
            correctable = false;
            return row.Problem;
        }

        var email = row[ImportField.Email];
        if (email is null)
        {
            if (row[ImportField.SmsNumber] is not null)
            {
                correctable = false;
                return "SMS-only contacts (no email) are not emulated by the sandbox.";
            }

            return "does not have minimal contact information (no email address).";
        }

        if (email.Length > ImportFieldCatalog.MaxEmailLength)
        {
            return $"email address longer than {ImportFieldCatalog.MaxEmailLength} characters.";
        }

        if (!EmailAddressRules.IsValid(email))
        {
            return "invalid email address format.";
        }

        for (var i = 0; i < ImportFieldCatalog.FieldCount; i++)
        {
            var value = row.Values[i];
            if (value is not null && value.Length > ImportFieldCatalog.MaxLength((ImportField)i))
            {
                return $"{(ImportField)i} longer than {ImportFieldCatalog.MaxLength((ImportField)i)} characters.";
            }
        }

        if (!ContactDates.TryParseBirthday(row[ImportField.BirthdayMonth], row[ImportField.BirthdayDay], out birthdayMonth, out birthdayDay))
        {
            return "birthday format error (birthday_month 1-12 and birthday_day 1-31, each with the other).";
        }

        if (row[ImportField.Anniversary] is { } anniversary && !ContactDates.IsValidAnniversary(anniversary))
        {
            return "anniversary format error.";
        }

        if (row.CustomFields is { } custom)
        {
            if (custom.Select(c => c.Key).Distinct(StringComparer.Ordinal).Count() > ImportFieldCatalog.MaxCustomFieldsPerContact)
            {
                correctable = false;
                return $"more than {ImportFieldCatalog.MaxCustomFieldsPerContact} custom fields.";
            }

            if (custom.Any(c => c.Value.Length > ImportFieldCatalog.MaxCustomFieldValueLength))
            {
                return $"custom field value longer than {ImportFieldCatalog.MaxCustomFieldValueLength} characters.";
            }
        }

        return null;
    }

    private void Update(Contact contact, ImportRow row, int? birthdayMonth, int? birthdayDay, DateTime now)
    {
        contact.FirstName = row[ImportField.FirstName] ?? contact.FirstName;
        contact.LastName = row[ImportField.LastName] ?? contact.LastName;
        contact.JobTitle = row[ImportField.JobTitle] ?? contact.JobTitle;
        contact.CompanyName = row[ImportField.CompanyName] ?? contact.CompanyName;
        contact.Anniversary = row[ImportField.Anniversary] ?? contact.Anniversary;
        if (birthdayMonth is not null)
        {
            contact.BirthdayMonth = birthdayMonth;
            contact.BirthdayDay = birthdayDay;
        }

        for (var field = ImportField.Phone; field <= ImportField.OtherPhone; field++)
        {
            if (row[field] is { } number)
            {
                SetPhone(contact, ImportFieldCatalog.PhoneKind(field)!, number, now);
            }
        }

        for (var group = 0; group < 4; group++)
        {
            SetAddress(contact, row, group, now);
        }

        if (row.CustomFields is { } custom)
        {
            foreach (var (name, value) in custom)
            {
                // Existence was checked when the import was accepted, and custom fields are never deleted.
                if (db.FindCustomField(name) is { } field)
                {
                    (contact.CustomFields ??= [])[field.Id] = value;
                }
            }
        }

        contact.UpdatedAt = now;
    }

    private static void SetPhone(Contact contact, string kind, string number, DateTime now)
    {
        var phone = contact.Phones?.Find(p => p.Kind == kind);
        if (phone is not null)
        {
            phone.Number = number;
            phone.UpdatedAt = now;
        }
        else if ((contact.Phones?.Count ?? 0) < 3)
        {
            // "Up to 3 phone numbers per contact": a fourth kind is dropped, as the spec's limit implies.
            (contact.Phones ??= []).Add(new ContactPhone { Id = Guid.NewGuid(), Kind = kind, Number = number, CreatedAt = now, UpdatedAt = now });
        }
    }

    private static void SetAddress(Contact contact, ImportRow row, int group, DateTime now)
    {
        var first = (int)ImportField.Street + (group * 6);
        var any = false;
        for (var i = first; i < first + 6 && !any; i++)
        {
            any = row.Values[i] is not null;
        }

        if (!any)
        {
            return;
        }

        var kind = ImportFieldCatalog.AddressKind(group);
        var address = contact.Addresses?.Find(a => a.Kind == kind);
        if (address is null)
        {
            address = new ContactAddress { Id = Guid.NewGuid(), Kind = kind, CreatedAt = now, UpdatedAt = now };
            (contact.Addresses ??= []).Add(address);
        }

        address.Street = row.Values[first] ?? address.Street;
        address.Street2 = row.Values[first + 1] ?? address.Street2;
        address.City = row.Values[first + 2] ?? address.City;
        address.State = row.Values[first + 3] ?? address.State;
        address.PostalCode = row.Values[first + 4] ?? address.PostalCode;
        address.Country = row.Values[first + 5] ?? address.Country;
        address.UpdatedAt = now;
    }
}
