using System;
using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Mapping;

namespace ConstantContactExport.Engine.Exports;

/// <summary>
/// The checks Set-CCExport makes on a definition before it asks the account anything: what a new export needs,
/// list ids that are UUIDs, field names Constant Contact has, a mapping that holds together.
/// </summary>
public static class ExportDefinitionBuilder
{
    /// <summary>
    /// Replaces the definition's attributes (Constant Contact field = profile property), each field name checked
    /// and spelled as the catalog spells it (ErrorId MappingInvalid).
    /// </summary>
    public static void SetAttributes(ExportDefinition definition, IEnumerable<KeyValuePair<string, string>> attributes)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> entry in attributes)
        {
            try
            {
                result[ContactFieldCatalog.Parse(entry.Key).Name] = entry.Value;
            }
            catch (ArgumentException ex)
            {
                throw new ExportSetupException("MappingInvalid", ExportSetupProblem.InvalidArgument, ex.Message, entry.Key, ex);
            }
        }

        definition.Attributes = result;
    }

    /// <summary>
    /// Refuses a definition that cannot be saved: a new export without -EmailField, -Segment or lists
    /// (ErrorId ExportIncomplete), list ids that are not UUIDs (ListIdInvalid), a mapping that does not hold
    /// together (MappingInvalid).
    /// </summary>
    /// <param name="definition">The definition with the given values applied.</param>
    /// <param name="listIds">The list ids given, or null.</param>
    /// <param name="listsGiven">Whether lists were given (by id or name).</param>
    public static void Validate(ExportDefinition definition, IReadOnlyCollection<string>? listIds, bool listsGiven)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(definition.EmailField))
        {
            missing.Add("-EmailField");
        }

        if (definition.Segments.Count == 0)
        {
            missing.Add("-Segment");
        }

        if (!listsGiven && definition.ListIds.Count == 0)
        {
            missing.Add("-ListId or -ListName");
        }

        if (missing.Count > 0)
        {
            throw new ExportSetupException("ExportIncomplete", ExportSetupProblem.InvalidArgument, $"A new export needs {string.Join(", ", missing)}.", definition.Name);
        }

        var bad = (listIds ?? Array.Empty<string>()).Where(id => !Guid.TryParse(id, out _)).ToList();
        if (bad.Count > 0)
        {
            throw new ExportSetupException(
                "ListIdInvalid", ExportSetupProblem.InvalidArgument,
                $"List ids are UUIDs (8-4-4-4-12 hex digits); these are not: {string.Join(", ", bad)}. Get-CCList shows the lists' ids.", bad);
        }

        try
        {
            _ = definition.ToMapping();
        }
        catch (ArgumentException ex)
        {
            throw new ExportSetupException("MappingInvalid", ExportSetupProblem.InvalidArgument, ex.Message, definition.Name, ex);
        }
    }
}
