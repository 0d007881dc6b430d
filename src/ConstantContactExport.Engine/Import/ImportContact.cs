using System.Collections.Generic;
using ConstantContactExport.Engine.Mapping;

namespace ConstantContactExport.Engine.Import;

/// <summary>
/// One contact of a JSON import body: the email and the fields the profile gives. Only fields with a value
/// are written, because an import updates exactly the fields it carries.
/// </summary>
public sealed class ImportContact
{
    private readonly List<KeyValuePair<ContactField, string>> fields = new();

    public string Email { get; private set; } = string.Empty;

    public IReadOnlyList<KeyValuePair<ContactField, string>> Fields => fields;

    /// <summary>Starts over for the next profile (one instance serves a whole run).</summary>
    public void Reset(string email)
    {
        Email = email;
        fields.Clear();
    }

    public void Add(ContactField field, string value) => fields.Add(new KeyValuePair<ContactField, string>(field, value));
}
