namespace ConstantContact.Sandbox.Imports;

/// <summary>Puts one key/value of an import (JSON property or CSV cell) into a row.</summary>
public static class RowValues
{
    public static void Set(ImportRow row, string key, string? value)
    {
        // An empty value is taken as "not carried": V3 imports have no documented way to clear a field, so the
        // sandbox never clears one (constant-contact-v3.md §1.1 leaves this UNCONFIRMED).
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (ImportFieldCatalog.TryGetField(key, out var field))
        {
            row[field] = value;
        }
        else if (ImportFieldCatalog.IsCustomFieldKey(key))
        {
            (row.CustomFields ??= []).Add(new KeyValuePair<string, string>(key[ImportFieldCatalog.CustomFieldPrefixLength..], value));
        }

        // Other keys are ignored, as an unknown JSON property usually is.
    }
}
