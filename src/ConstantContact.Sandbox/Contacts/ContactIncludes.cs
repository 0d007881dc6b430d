namespace ConstantContact.Sandbox.Contacts;

/// <summary>The sub-resources that GET /contacts adds only when <c>include=</c> names them.</summary>
[Flags]
public enum ContactIncludes
{
    None = 0,
    CustomFields = 1,
    ListMemberships = 2,
    PhoneNumbers = 4,
    StreetAddresses = 8,
    All = CustomFields | ListMemberships | PhoneNumbers | StreetAddresses,
}
