namespace ConstantContactExport.Engine.Mapping;

/// <summary>How a contact field's value is checked.</summary>
public enum ContactFieldKind
{
    Text,
    Phone,
    BirthdayMonth,
    BirthdayDay,
    Anniversary,
    Custom,
}

/// <summary>A field of a Constant Contact JSON import contact (JsonImportContact).</summary>
/// <param name="Name">The key in the import body: first_name, home_city, cf:loyalty_tier...</param>
/// <param name="MaxLength">The most characters Constant Contact keeps.</param>
/// <param name="Kind">How the value is checked.</param>
/// <param name="Group">Fields that count together against a per-contact cap: "phone" or an address kind ("home", "work", "other"), else null.</param>
public sealed record ContactField(string Name, int MaxLength, ContactFieldKind Kind, string? Group = null)
{
    public bool IsCustom => Kind == ContactFieldKind.Custom;
}
