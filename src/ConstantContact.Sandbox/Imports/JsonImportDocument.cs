namespace ConstantContact.Sandbox.Imports;

/// <summary>What a first pass over a JSON import body finds, before anything is queued.</summary>
public sealed class JsonImportDocument
{
    /// <summary>Set when the body is not an import request at all.</summary>
    public string? Error { get; set; }

    public bool HasImportData { get; set; }

    /// <summary>Every contact in import_data.</summary>
    public int ContactCount { get; set; }

    /// <summary>The contacts that end within the first <see cref="ImportLimits.BodyBytes"/> bytes: the ones imported.</summary>
    public int KeptCount { get; set; }

    public List<string>? ListIds { get; set; }

    public HashSet<string> CustomFieldNames { get; } = new(StringComparer.Ordinal);
}
