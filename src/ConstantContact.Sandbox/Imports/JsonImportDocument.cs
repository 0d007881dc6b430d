namespace ConstantContact.Sandbox.Imports;

/// <summary>What a first pass over a JSON import body finds, before anything is queued.</summary>
public sealed class JsonImportDocument
{
    /// <summary>The error_key of a body that breaks the import schema (a value of the wrong type).</summary>
    public const string ValidationErrorKey = "contacts.api.validation.error";

    /// <summary>Set when the body is not an import request at all, or breaks the schema.</summary>
    public string? Error { get; set; }

    /// <summary>The error_key that goes with <see cref="Error"/>.</summary>
    public string ErrorKey { get; set; } = "contacts.api.bad.request";

    public bool HasImportData { get; set; }

    /// <summary>Every contact in import_data.</summary>
    public int ContactCount { get; set; }

    /// <summary>The contacts that end within the first <see cref="ImportLimits.BodyBytes"/> bytes: the ones imported.</summary>
    public int KeptCount { get; set; }

    public List<string>? ListIds { get; set; }

    public HashSet<string> CustomFieldNames { get; } = new(StringComparer.Ordinal);
}
