namespace ConstantContact.Sandbox.Imports;

/// <summary>Import keys, their fields and the spec's maxLength for each (constant-contact-v3.md §1.1, §7).</summary>
public static class ImportFieldCatalog
{
    public const int FieldCount = (int)ImportField.OtherCountry + 1;
    public const int CustomFieldPrefixLength = 3;
    public const int MaxCustomFieldValueLength = 255;
    public const int MaxCustomFieldsPerContact = 25;

    /// <summary>
    /// 80, not the import schema's 50: the contacts API and support both say 80, and a sandbox that refused
    /// 51-80 character addresses would call valid production data broken (the conflict is in §7).
    /// </summary>
    public const int MaxEmailLength = 80;

    private static readonly Dictionary<string, ImportField> ByKey = Build();

    private static readonly string[] AddressKinds = ["home", "home", "work", "other"];

    public static bool TryGetField(string key, out ImportField field) => ByKey.TryGetValue(key, out field);

    public static bool IsCustomFieldKey(string key) => key.StartsWith("cf:", StringComparison.Ordinal);

    public static int MaxLength(ImportField field) => field switch
    {
        ImportField.Email => MaxEmailLength,
        ImportField.SmsNumber or ImportField.SmsConsentDate => 16,
        ImportField.Anniversary => 10,
        ImportField.BirthdayMonth or ImportField.BirthdayDay => int.MaxValue, // checked as numbers instead
        >= ImportField.Street when IsStreetPart(field) => 255,
        _ => 50,
    };

    /// <summary>The phone kind a phone field sets; null for fields that are not phones.</summary>
    public static string? PhoneKind(ImportField field) => field switch
    {
        ImportField.Phone => "other",
        ImportField.HomePhone => "home",
        ImportField.WorkPhone => "work",
        ImportField.MobilePhone => "mobile",
        ImportField.OtherPhone => "other",
        _ => null,
    };

    /// <summary>The address group (0 to 3) of an address field, or -1.</summary>
    public static int AddressGroup(ImportField field) =>
        field >= ImportField.Street ? ((int)field - (int)ImportField.Street) / 6 : -1;

    /// <summary>The part (0 street, 1 street2, 2 city, 3 state, 4 zip, 5 country) of an address field.</summary>
    public static int AddressPart(ImportField field) => ((int)field - (int)ImportField.Street) % 6;

    public static string AddressKind(int group) => AddressKinds[group];

    private static bool IsStreetPart(ImportField field) => AddressPart(field) is 0 or 1;

    private static Dictionary<string, ImportField> Build()
    {
        var map = new Dictionary<string, ImportField>(StringComparer.Ordinal)
        {
            ["email"] = ImportField.Email,
            ["sms_number"] = ImportField.SmsNumber,
            ["sms_consent_date"] = ImportField.SmsConsentDate,
            ["first_name"] = ImportField.FirstName,
            ["last_name"] = ImportField.LastName,
            ["job_title"] = ImportField.JobTitle,
            ["company_name"] = ImportField.CompanyName,
            ["birthday_month"] = ImportField.BirthdayMonth,
            ["birthday_day"] = ImportField.BirthdayDay,
            ["anniversary"] = ImportField.Anniversary,
            ["phone"] = ImportField.Phone,
            ["home_phone"] = ImportField.HomePhone,
            ["work_phone"] = ImportField.WorkPhone,
            ["mobile_phone"] = ImportField.MobilePhone,
            ["other_phone"] = ImportField.OtherPhone,
        };
        string[] parts = ["street", "street2", "city", "state", "zip", "country"];
        string[] prefixes = ["", "home_", "work_", "other_"];
        for (var group = 0; group < prefixes.Length; group++)
        {
            for (var part = 0; part < parts.Length; part++)
            {
                map[prefixes[group] + parts[part]] = (ImportField)((int)ImportField.Street + (group * 6) + part);
            }
        }

        // Both spec versions spell the home country key "home country"; accept it beside the intended home_country.
        map["home country"] = ImportField.HomeCountry;
        return map;
    }
}
