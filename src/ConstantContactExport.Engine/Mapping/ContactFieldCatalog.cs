using System;
using System.Collections.Generic;
using System.Linq;

namespace ConstantContactExport.Engine.Mapping;

/// <summary>
/// The JSON import's contact fields and their limits (constant-contact-v3.md §1.1 and §7).
/// </summary>
public static class ContactFieldCatalog
{
    public const string CustomPrefix = "cf:";
    public const int MaxCustomFieldsPerContact = 25;
    public const int MaxCustomFieldNameLength = 50;
    public const int MaxCustomFieldValueLength = 255;
    public const int MaxPhonesPerContact = 3;

    /// <summary>
    /// The import schema's maxLength for email (JsonImportContact.email), lower than the 80 that contacts keep:
    /// longer addresses are rejected rather than risked (docs/constant-contact-v3.md, Decisions).
    /// </summary>
    public const int MaxImportEmailLength = 50;

    private static readonly Dictionary<string, ContactField> Known = Build();

    /// <summary>Every built-in field name, for messages and completion.</summary>
    public static IReadOnlyCollection<string> Names => Known.Keys;

    public static ContactField Get(string name) => Known[name];

    /// <summary>
    /// The field for a name as a user types it (case-insensitive), or an ArgumentException that lists the
    /// fields there are. Custom fields are "cf:" and the field's name (not its label).
    /// </summary>
    public static ContactField Parse(string name)
    {
        string trimmed = (name ?? string.Empty).Trim();
        if (trimmed.StartsWith(CustomPrefix, StringComparison.OrdinalIgnoreCase))
        {
            string custom = trimmed.Substring(CustomPrefix.Length);
            if (custom.Length == 0 || custom.Length > MaxCustomFieldNameLength || custom.Any(char.IsWhiteSpace) || custom.Any(char.IsControl))
            {
                throw new ArgumentException(
                    $"'{trimmed}' is not a custom field name: after 'cf:' comes the field's name (1 to {MaxCustomFieldNameLength} characters, no spaces; Constant Contact makes it from the label by replacing blanks with underscores).");
            }

            return new ContactField(CustomPrefix + custom, MaxCustomFieldValueLength, ContactFieldKind.Custom);
        }

        if (trimmed.Equals("email", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The email address is mapped with -EmailField, not as an attribute.");
        }

        if (Known.TryGetValue(trimmed, out ContactField? field))
        {
            return field;
        }

        throw new ArgumentException(
            $"'{trimmed}' is not a Constant Contact import field. Fields: {string.Join(", ", Known.Keys)}, or a custom field as 'cf:<name>'.");
    }

    /// <summary>Refuses combinations that would make Constant Contact drop data: two fields for one address part.</summary>
    public static void CheckCombination(IEnumerable<ContactField> fields)
    {
        // 'street' and 'home_street' are both the home address (the default kind is home).
        var byTarget = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ContactField field in fields)
        {
            if (field.Group is null || field.Group == "phone")
            {
                continue;
            }

            string prefix = field.Group + "_";
            string part = field.Name.StartsWith(prefix, StringComparison.Ordinal) ? field.Name.Substring(prefix.Length) : field.Name;
            string target = field.Group + ":" + part;
            if (byTarget.TryGetValue(target, out string? other))
            {
                throw new ArgumentException($"'{other}' and '{field.Name}' are the same part of the same address; map only one.");
            }

            byTarget.Add(target, field.Name);
        }
    }

    private static Dictionary<string, ContactField> Build()
    {
        var fields = new List<ContactField>
        {
            new("first_name", 50, ContactFieldKind.Text),
            new("last_name", 50, ContactFieldKind.Text),
            new("job_title", 50, ContactFieldKind.Text),
            new("company_name", 50, ContactFieldKind.Text),
            new("birthday_month", 2, ContactFieldKind.BirthdayMonth),
            new("birthday_day", 2, ContactFieldKind.BirthdayDay),
            new("anniversary", 10, ContactFieldKind.Anniversary),
        };
        foreach (string phone in new[] { "phone", "home_phone", "work_phone", "mobile_phone", "other_phone" })
        {
            fields.Add(new ContactField(phone, 50, ContactFieldKind.Phone, "phone"));
        }

        // The unprefixed address fields are the home address. The spec spells the home country key
        // "home country" (with a space), so which key the server takes is unconfirmed: 'country' is offered
        // for the home address and 'home_country' is not.
        AddAddress(fields, prefix: string.Empty, group: "home", includeCountry: true);
        AddAddress(fields, prefix: "home_", group: "home", includeCountry: false);
        AddAddress(fields, prefix: "work_", group: "work", includeCountry: true);
        AddAddress(fields, prefix: "other_", group: "other", includeCountry: true);
        return fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    private static void AddAddress(List<ContactField> fields, string prefix, string group, bool includeCountry)
    {
        fields.Add(new ContactField(prefix + "street", 255, ContactFieldKind.Text, group));
        fields.Add(new ContactField(prefix + "street2", 255, ContactFieldKind.Text, group));
        fields.Add(new ContactField(prefix + "city", 50, ContactFieldKind.Text, group));
        fields.Add(new ContactField(prefix + "state", 50, ContactFieldKind.Text, group));
        fields.Add(new ContactField(prefix + "zip", 50, ContactFieldKind.Text, group));
        if (includeCountry)
        {
            fields.Add(new ContactField(prefix + "country", 50, ContactFieldKind.Text, group));
        }
    }
}
