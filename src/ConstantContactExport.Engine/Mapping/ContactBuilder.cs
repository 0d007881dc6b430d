using System;
using System.Globalization;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Engine.Mapping;

/// <summary>
/// Turns a profile's values into an import contact, or says why Constant Contact would refuse or silently cut
/// it. Values are trimmed; a blank or null optional value is left out (an import only updates the fields it
/// carries, so leaving it out never clears anything). Lengths count UTF-16 code units, which is never fewer
/// than the characters Constant Contact counts, so nothing that passes here can be cut there.
/// </summary>
public sealed class ContactBuilder
{
    private readonly ExportMapping mapping;

    // An array, not the mapping's IReadOnlyList: foreach over the interface boxes an enumerator for every profile.
    private readonly FieldMapping[] fields;

    public ContactBuilder(ExportMapping mapping)
    {
        this.mapping = mapping;
        fields = new FieldMapping[mapping.Fields.Count];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = mapping.Fields[i];
        }
    }

    /// <summary>Builds the contact into <paramref name="contact"/>; returns the issue when the profile is Invalid.</summary>
    /// <param name="values">The profile's values, aligned with the mapping's source fields.</param>
    /// <param name="normalizedEmail">The email as it will be sent (trimmed, domain in punycode), when valid.</param>
    /// <param name="contact">Filled when the profile is valid.</param>
    public ProfileIssue? Build(SourceValue[] values, out string? normalizedEmail, ImportContact contact)
    {
        normalizedEmail = null;
        ProfileIssue? issue = CheckEmail(values[mapping.EmailIndex], out string? email);
        if (issue is not null)
        {
            return issue;
        }

        contact.Reset(email!);
        int phones = 0;
        int customFields = 0;
        string? birthdayMonth = null;
        string? birthdayDay = null;
        foreach (FieldMapping fieldMapping in fields)
        {
            ContactField field = fieldMapping.Field;
            SourceValue value = values[fieldMapping.SourceIndex];
            switch (value.Kind)
            {
                case SourceValueKind.Missing:
                case SourceValueKind.Null:
                    continue;
                case SourceValueKind.List:
                    return new ProfileIssue(RejectReason.FieldNotText, field.Name,
                        $"The property '{fieldMapping.Property}' for {field.Name} holds a list of {value.Items!.Count} values; one text value is wanted.");
                case SourceValueKind.NotText:
                    return new ProfileIssue(RejectReason.FieldNotText, field.Name,
                        $"The property '{fieldMapping.Property}' for {field.Name} holds a {value.Text}; text is wanted.");
            }

            string text = value.Text!.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            issue = CheckText(field, fieldMapping.Property, text);
            if (issue is not null)
            {
                return issue;
            }

            switch (field.Kind)
            {
                case ContactFieldKind.Phone when ++phones > ContactFieldCatalog.MaxPhonesPerContact:
                    return new ProfileIssue(RejectReason.FieldInvalid, field.Name,
                        $"The profile has more than {ContactFieldCatalog.MaxPhonesPerContact} phone numbers; Constant Contact keeps at most {ContactFieldCatalog.MaxPhonesPerContact} a contact.");
                case ContactFieldKind.Custom when ++customFields > ContactFieldCatalog.MaxCustomFieldsPerContact:
                    return new ProfileIssue(RejectReason.TooManyCustomFields, field.Name,
                        $"The profile has values for more than {ContactFieldCatalog.MaxCustomFieldsPerContact} custom fields; Constant Contact takes at most {ContactFieldCatalog.MaxCustomFieldsPerContact} a contact.");
                case ContactFieldKind.BirthdayMonth:
                    birthdayMonth = text;
                    break;
                case ContactFieldKind.BirthdayDay:
                    birthdayDay = text;
                    break;
            }

            contact.Add(field, text);
        }

        if ((birthdayMonth is null) != (birthdayDay is null))
        {
            string given = birthdayMonth is null ? "birthday_day" : "birthday_month";
            string wanting = birthdayMonth is null ? "birthday_month" : "birthday_day";
            return new ProfileIssue(RejectReason.FieldInvalid, wanting,
                $"The profile gives {given} without {wanting}; Constant Contact needs both or neither.");
        }

        normalizedEmail = email;
        return null;
    }

    private ProfileIssue? CheckEmail(SourceValue value, out string? email)
    {
        email = null;
        switch (value.Kind)
        {
            case SourceValueKind.Missing:
                return new ProfileIssue(RejectReason.EmailMissing, "email", $"The profile has no property '{mapping.EmailField}' (the export's email field).");
            case SourceValueKind.Null:
                return new ProfileIssue(RejectReason.EmailMissing, "email", $"The profile's '{mapping.EmailField}' is null.");
            case SourceValueKind.List:
                return new ProfileIssue(RejectReason.FieldNotText, "email", $"The profile's '{mapping.EmailField}' holds a list of {value.Items!.Count} values; one address is wanted.");
            case SourceValueKind.NotText:
                return new ProfileIssue(RejectReason.FieldNotText, "email", $"The profile's '{mapping.EmailField}' holds a {value.Text}; an address is wanted.");
        }

        string text = value.Text!;
        if (text.Trim().Length == 0)
        {
            return new ProfileIssue(RejectReason.EmailMissing, "email", $"The profile's '{mapping.EmailField}' is blank.");
        }

        if (TextChecks.FindBrokenSurrogate(text) >= 0)
        {
            return new ProfileIssue(RejectReason.InvalidEncoding, "email", "The email address holds a broken UTF-16 character (an unpaired surrogate).");
        }

        EmailValidationResult result = EmailAddressValidator.Validate(text);
        if (!result.IsValid)
        {
            return new ProfileIssue(RejectReason.EmailInvalid, "email",
                $"'{TextChecks.Printable(text)}' is not a valid email address ({result.Reason}).");
        }

        if (result.Normalized!.Length > ContactFieldCatalog.MaxImportEmailLength)
        {
            // Valid for Constant Contact (80), but past the import schema's 50: sending it could cost the whole body.
            return new ProfileIssue(RejectReason.EmailTooLongForImport, "email",
                $"The email address is {result.Normalized.Length} characters: Constant Contact keeps addresses up to {EmailAddressValidator.MaxLength}, "
                + $"but its bulk import takes at most {ContactFieldCatalog.MaxImportEmailLength}, so it is not sent. Add this contact in Constant Contact itself.");
        }

        email = result.Normalized;
        return null;
    }

    private static ProfileIssue? CheckText(ContactField field, string property, string text)
    {
        if (TextChecks.FindBrokenSurrogate(text) >= 0)
        {
            return new ProfileIssue(RejectReason.InvalidEncoding, field.Name,
                $"The value of '{property}' for {field.Name} holds a broken UTF-16 character (an unpaired surrogate).");
        }

        int control = TextChecks.FindControlCharacter(text);
        if (control >= 0)
        {
            return new ProfileIssue(RejectReason.InvalidCharacters, field.Name,
                $"The value of '{property}' for {field.Name} holds the control character U+{(int)text[control]:X4} at position {control + 1}; contact fields hold one line of text.");
        }

        if (text.Length > field.MaxLength)
        {
            return new ProfileIssue(RejectReason.FieldTooLong, field.Name,
                $"The value of '{property}' for {field.Name} is {text.Length} characters; Constant Contact keeps at most {field.MaxLength}.");
        }

        switch (field.Kind)
        {
            case ContactFieldKind.Phone when !HasDigit(text):
                return new ProfileIssue(RejectReason.FieldInvalid, field.Name, $"The value of '{property}' for {field.Name} has no digits; it is not a phone number.");
            case ContactFieldKind.BirthdayMonth when !IsIntegerIn(text, 1, 12):
                return new ProfileIssue(RejectReason.FieldInvalid, field.Name, $"The value of '{property}' for birthday_month must be a whole number from 1 to 12.");
            case ContactFieldKind.BirthdayDay when !IsIntegerIn(text, 1, 31):
                return new ProfileIssue(RejectReason.FieldInvalid, field.Name, $"The value of '{property}' for birthday_day must be a whole number from 1 to 31.");
            case ContactFieldKind.Anniversary when !AnniversaryFormat.IsValid(text):
                return new ProfileIssue(RejectReason.FieldInvalid, field.Name,
                    $"The value of '{property}' for anniversary is not a date in a form Constant Contact takes ({AnniversaryFormat.Forms}).");
        }

        return null;
    }

    private static bool HasDigit(string text)
    {
        foreach (char c in text)
        {
            if (c is >= '0' and <= '9')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsIntegerIn(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max;
}
