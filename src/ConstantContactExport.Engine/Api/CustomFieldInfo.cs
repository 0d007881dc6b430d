using System;
using System.Collections.Generic;
using System.Linq;

namespace ConstantContactExport.Engine.Api;

/// <summary>A custom field definition of the account.</summary>
/// <param name="CustomFieldId">Its UUID.</param>
/// <param name="Name">The name an import uses after "cf:" (Constant Contact makes it from the label).</param>
/// <param name="Label">The label shown in the web app.</param>
/// <param name="Type">string, date, ...</param>
public sealed record CustomFieldInfo(string CustomFieldId, string Name, string Label, string Type);

/// <summary>How custom field names and labels are matched.</summary>
public static class CustomFieldNames
{
    /// <summary>The types New-CCCustomField and -CreateCustomField create (an import carries text or a date).</summary>
    public static readonly IReadOnlyList<string> CreatableTypes = new[] { "string", "date" };

    /// <summary>
    /// The name Constant Contact derives from a label: the label with blanks replaced by underscores (the vendor's
    /// words; the sandbox does the same). -CreateCustomField uses the mapped name as the label, so the two agree.
    /// </summary>
    public static string FromLabel(string label) => (label ?? throw new ArgumentNullException(nameof(label))).Trim().Replace(' ', '_');

    /// <summary>The field of that name: the exact spelling, else one that differs in case only; or null.</summary>
    public static CustomFieldInfo? ByName(IEnumerable<CustomFieldInfo> fields, string name)
    {
        var all = fields.ToList();
        return all.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal))
            ?? all.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The field with that label (without regard to case), or the one whose name the label would make; or null.</summary>
    public static CustomFieldInfo? ByLabel(IEnumerable<CustomFieldInfo> fields, string label)
    {
        var all = fields.ToList();
        return all.FirstOrDefault(f => string.Equals(f.Label, label.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? ByName(all, FromLabel(label));
    }
}
