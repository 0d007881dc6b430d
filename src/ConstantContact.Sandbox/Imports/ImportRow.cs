namespace ConstantContact.Sandbox.Imports;

/// <summary>One contact of an import as read from its body: values by field, cf: values by name.</summary>
public sealed class ImportRow
{
    public string?[] Values { get; } = new string?[ImportFieldCatalog.FieldCount];

    /// <summary>Custom field name (without "cf:") and value, in body order.</summary>
    public List<KeyValuePair<string, string>>? CustomFields { get; set; }

    /// <summary>A problem that makes the row unusable whatever its values (a value that is an object, say).</summary>
    public string? Problem { get; set; }

    public string? this[ImportField field]
    {
        get => Values[(int)field];
        set => Values[(int)field] = value;
    }
}
