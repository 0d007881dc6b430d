using ConstantContactExport.Engine.Api;

namespace ConstantContactExport;

/// <summary>A custom field of the account, as Get-CCCustomField and New-CCCustomField show it.</summary>
public sealed class CCCustomField
{
    /// <summary>The name an export maps as "cf:" + Name.</summary>
    public string Name { get; init; } = string.Empty;

    public string Label { get; init; } = string.Empty;

    public string Type { get; init; } = string.Empty;

    public string CustomFieldId { get; init; } = string.Empty;

    /// <summary>What -Attribute of Set-CCExport takes: "cf:" + Name.</summary>
    public string Field => "cf:" + Name;

    /// <summary>The connection it was read through.</summary>
    public string Connection { get; init; } = string.Empty;

    public override string ToString() => Field;

    internal static CCCustomField From(CustomFieldInfo field, string connection) => new()
    {
        Name = field.Name, Label = field.Label, Type = field.Type, CustomFieldId = field.CustomFieldId, Connection = connection,
    };
}
