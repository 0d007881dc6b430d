using System;
using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;

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
                throw new ExportSetupException("MappingInvalid", ExportSetupProblem.InvalidArgument, TextChecks.Printable(ex.Message, int.MaxValue), entry.Key, ex);
            }
        }

        definition.Attributes = result;
    }

    /// <summary>
    /// Checks a -ListMap as given (segment = list name or id) and returns it trimmed, in order: at least one entry
    /// (ErrorId ListMapEmpty), each segment named once without regard to case (ListMapSegmentDuplicate), a segment
    /// name without ';' or ',' (they separate a profile's segments) and one list name or id for each
    /// (ListMapInvalid; <paramref name="map"/> gives null for a value that is not one name, such as an array).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseListMap(IEnumerable<KeyValuePair<string, string?>> map)
    {
        var result = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string?> entry in map)
        {
            string segment = (entry.Key ?? string.Empty).Trim();
            if (segment.Length == 0 || segment.IndexOfAny(new[] { ';', ',' }) >= 0)
            {
                throw new ExportSetupException(
                    "ListMapInvalid", ExportSetupProblem.InvalidArgument,
                    $"-ListMap has the segment name '{TextChecks.Printable(segment)}': a segment name is not blank and has no ';' or ',' (they separate a profile's segments).", entry.Key);
            }

            if (!seen.Add(segment))
            {
                throw new ExportSetupException(
                    "ListMapSegmentDuplicate", ExportSetupProblem.InvalidArgument,
                    $"-ListMap names the segment '{TextChecks.Printable(segment)}' more than once (segment names are compared without regard to case). Give each segment one list.", segment);
            }

            string? list = entry.Value?.Trim();
            if (string.IsNullOrEmpty(list))
            {
                throw new ExportSetupException(
                    "ListMapInvalid", ExportSetupProblem.InvalidArgument,
                    $"-ListMap gives the segment '{TextChecks.Printable(segment)}' no list: each segment maps to one list name or list id, as in @{{ '{TextChecks.Printable(segment)}' = 'Newsletter' }}.", segment);
            }

            result.Add(new KeyValuePair<string, string>(segment, list!));
        }

        if (result.Count == 0)
        {
            throw new ExportSetupException(
                "ListMapEmpty", ExportSetupProblem.InvalidArgument,
                "-ListMap is empty: give each segment its list, as in -ListMap @{ 'gold' = 'Gold customers'; 'silver' = 'Silver customers' }.", null);
        }

        return result;
    }

    /// <summary>
    /// Puts a checked -ListMap into the definition: its keys become the export's segments. -ListMap names both the
    /// segments and the lists, so it goes with none of -ListId, -ListName and -Segment (ErrorId ListMapConflict).
    /// </summary>
    public static void SetListMap(ExportDefinition definition, IReadOnlyList<KeyValuePair<string, string>> map, bool listsGiven, bool segmentsGiven)
    {
        if (listsGiven || segmentsGiven)
        {
            throw new ExportSetupException(
                "ListMapConflict", ExportSetupProblem.InvalidArgument,
                "-ListMap names the export's segments and each one's list, so it goes without -ListId, -ListName and -Segment.", definition.Name);
        }

        definition.Segments = map.Select(e => e.Key).ToList();
    }

    /// <summary>
    /// -Segment alone on an export with a ListMap would leave segments without lists (or lists without segments):
    /// refused (ListMapConflict). -ListId or -ListName replace the map with one set of lists for every segment.
    /// </summary>
    public static void CheckSegmentsOfMap(ExportDefinition definition, bool listsGiven, bool segmentsGiven)
    {
        if (definition.ListMap is not null && segmentsGiven && !listsGiven)
        {
            throw new ExportSetupException(
                "ListMapConflict", ExportSetupProblem.InvalidArgument,
                $"The export '{definition.Name}' sends each segment to its own list (-ListMap): change its segments with -ListMap, or give -ListId or -ListName with -Segment to send every segment to the same lists.", definition.Name);
        }
    }

    /// <summary>
    /// Refuses a definition that cannot be saved: a new export without -EmailField, -Segment or lists
    /// (ErrorId ExportIncomplete), list ids that are not UUIDs (ListIdInvalid), a mapping that does not hold
    /// together (MappingInvalid).
    /// </summary>
    /// <param name="definition">The definition with the given values applied.</param>
    /// <param name="listIds">The list ids given, or null.</param>
    /// <param name="listsGiven">Whether lists were given (by id, name or -ListMap).</param>
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
            missing.Add("-ListId, -ListName or -ListMap");
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
                $"List ids are UUIDs (8-4-4-4-12 hex digits); these are not: {string.Join(", ", bad.Select(id => TextChecks.Printable(id)))}. Get-CCList shows the lists' ids.", bad);
        }

        // The properties, columns and segments it reads are named in one line of text, as a message shows them.
        string? acting = new[] { definition.EmailField, definition.FirstNameField, definition.LastNameField, definition.SegmentField }
            .Concat(definition.Attributes.Values).Concat(definition.Segments)
            .FirstOrDefault(name => name is not null && name.Any(TextChecks.ActsOnText));
        if (acting is not null)
        {
            throw new ExportSetupException(
                "MappingInvalid", ExportSetupProblem.InvalidArgument,
                $"The name '{TextChecks.Printable(acting)}' holds a control, line-breaking or direction-changing character: the properties, columns and segments an export reads are named in one line of text.", definition.Name);
        }

        try
        {
            _ = definition.ToMapping();
        }
        catch (ArgumentException ex)
        {
            throw new ExportSetupException("MappingInvalid", ExportSetupProblem.InvalidArgument, TextChecks.Printable(ex.Message, int.MaxValue), definition.Name, ex);
        }
    }
}
