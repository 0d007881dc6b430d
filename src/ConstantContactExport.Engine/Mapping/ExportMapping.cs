using System;
using System.Collections.Generic;
using System.Linq;

namespace ConstantContactExport.Engine.Mapping;

/// <summary>
/// How profile properties become a Constant Contact import contact, and which segments an export sends.
/// Property names are matched without regard to case.
/// </summary>
public sealed class ExportMapping
{
    private readonly Dictionary<string, int> sourceIndex = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> sourceFields = new();

    /// <param name="emailField">The profile property that holds the email address.</param>
    /// <param name="firstNameField">The property for first_name, or null.</param>
    /// <param name="lastNameField">The property for last_name, or null.</param>
    /// <param name="attributes">Constant Contact field (e.g. job_title, cf:loyalty_tier) to profile property.</param>
    /// <param name="segmentField">The property that lists a profile's segments, or null when the input's segment is given for all of it.</param>
    /// <param name="segments">The segments the export sends (at least one).</param>
    public ExportMapping(
        string emailField,
        string? firstNameField = null,
        string? lastNameField = null,
        IEnumerable<KeyValuePair<string, string>>? attributes = null,
        string? segmentField = null,
        IEnumerable<string>? segments = null)
    {
        if (string.IsNullOrWhiteSpace(emailField))
        {
            throw new ArgumentException("An export needs an email field: the profile property that holds the email address.", nameof(emailField));
        }

        EmailField = emailField.Trim();
        FirstNameField = Blank(firstNameField);
        LastNameField = Blank(lastNameField);
        SegmentField = Blank(segmentField);
        Segments = (segments ?? Array.Empty<string>())
            .Where(s => !string.IsNullOrWhiteSpace(s))
            .Select(s => s.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (Segments.Count == 0)
        {
            throw new ArgumentException("An export needs at least one segment: exports are limited to segments.", nameof(segments));
        }

        var fields = new List<FieldMapping>();
        EmailIndex = AddSource(EmailField);
        if (FirstNameField is not null)
        {
            fields.Add(new FieldMapping(ContactFieldCatalog.Get("first_name"), AddSource(FirstNameField), FirstNameField));
        }

        if (LastNameField is not null)
        {
            fields.Add(new FieldMapping(ContactFieldCatalog.Get("last_name"), AddSource(LastNameField), LastNameField));
        }

        var attributeList = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(fields.Select(f => f.Field.Name), StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> pair in attributes ?? Array.Empty<KeyValuePair<string, string>>())
        {
            ContactField field = ContactFieldCatalog.Parse(pair.Key);
            if (string.IsNullOrWhiteSpace(pair.Value))
            {
                throw new ArgumentException($"The attribute '{field.Name}' names no profile property.", nameof(attributes));
            }

            if (!seen.Add(field.Name))
            {
                throw new ArgumentException($"The Constant Contact field '{field.Name}' is mapped more than once.", nameof(attributes));
            }

            string property = pair.Value.Trim();
            fields.Add(new FieldMapping(field, AddSource(property), property));
            attributeList.Add(new KeyValuePair<string, string>(field.Name, property));
        }

        ContactFieldCatalog.CheckCombination(fields.Select(f => f.Field));
        Fields = fields;
        Attributes = attributeList;
        SegmentIndex = SegmentField is null ? -1 : AddSource(SegmentField);
    }

    public string EmailField { get; }

    public string? FirstNameField { get; }

    public string? LastNameField { get; }

    public string? SegmentField { get; }

    public IReadOnlyList<string> Segments { get; }

    /// <summary>Every mapped contact field other than email, in the order the contact is written.</summary>
    public IReadOnlyList<FieldMapping> Fields { get; }

    /// <summary>The distinct profile properties the export reads, in a fixed order; records carry values in this order.</summary>
    public IReadOnlyList<string> SourceFields => sourceFields;

    /// <summary>Index of the email property in <see cref="SourceFields"/>.</summary>
    public int EmailIndex { get; }

    /// <summary>Index of the segment property in <see cref="SourceFields"/>, or -1.</summary>
    public int SegmentIndex { get; }

    /// <summary>The attributes as given (Constant Contact field to profile property), for saving a definition.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; }

    private int AddSource(string property)
    {
        if (!sourceIndex.TryGetValue(property, out int index))
        {
            index = sourceFields.Count;
            sourceFields.Add(property);
            sourceIndex.Add(property, index);
        }

        return index;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
}

/// <summary>One contact field and where its value comes from.</summary>
/// <param name="Field">The Constant Contact field.</param>
/// <param name="SourceIndex">Index in <see cref="ExportMapping.SourceFields"/>.</param>
/// <param name="Property">The profile property name.</param>
public sealed record FieldMapping(ContactField Field, int SourceIndex, string Property);
