using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Mapping;

namespace ConstantContactExport.Engine.Exports;

/// <summary>What saving an export will create in the account (decided before anything is created, for -WhatIf).</summary>
public sealed class ExportAccountPlan
{
    /// <summary>List names to create, as the user typed them.</summary>
    public List<string> ListsToCreate { get; } = new();

    /// <summary>Custom field names (after "cf:") to create.</summary>
    public List<string> CustomFieldsToCreate { get; } = new();

    /// <summary>", creating list(s) 'a', custom field(s) cf:b", or empty when nothing is created.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (ListsToCreate.Count > 0)
        {
            parts.Add("list(s) " + string.Join(", ", ListsToCreate.Select(n => $"'{n}'")));
        }

        if (CustomFieldsToCreate.Count > 0)
        {
            parts.Add("custom field(s) " + string.Join(", ", CustomFieldsToCreate.Select(n => ContactFieldCatalog.CustomPrefix + n)));
        }

        return parts.Count == 0 ? string.Empty : ", creating " + string.Join(" and ", parts);
    }
}

/// <summary>
/// Checks an export's lists and custom fields against the account and creates what is missing when asked. List
/// names are compared without regard to case, as Constant Contact compares them (one list per name whatever the
/// case): "newsletter" resolves to the account's "Newsletter", and creating a list that exists in another case
/// resolves it instead. Custom field names are matched the same way and saved as the account spells them, because
/// an import's "cf:" keys must match exactly.
/// </summary>
public sealed class ExportAccountSetup
{
    /// <summary>The most lists one import goes to.</summary>
    public const int MaxLists = 50;

    /// <summary>The longest list name Constant Contact takes (POST /contact_lists, name maxLength 255).</summary>
    public const int MaxListNameLength = 255;

    private readonly ConstantContactApi api;
    private readonly Action<string> log;

    public ExportAccountSetup(ConstantContactApi api, Action<string>? log = null)
    {
        this.api = api ?? throw new ArgumentNullException(nameof(api));
        this.log = log ?? (_ => { });
    }

    /// <summary>
    /// Resolves the given lists (ids and names) into the definition, and checks its custom fields; returns what is
    /// missing and may be created. Refuses (ExportSetupException) an unknown id (ListNotFound), a missing name
    /// without <paramref name="createLists"/> (ListNotFound), more than 50 lists (TooManyLists), a missing custom
    /// field without <paramref name="createCustomFields"/> (CustomFieldNotFound).
    /// </summary>
    /// <param name="definition">The definition; its lists (and list map) are set from what is given.</param>
    /// <param name="listIds">-ListId, or null.</param>
    /// <param name="listNames">-ListName, or null.</param>
    /// <param name="listMap">-ListMap as checked by <see cref="ExportDefinitionBuilder.ParseListMap"/> (segment, list name or id), or null.
    /// A value that is a UUID is a list id, anything else a list name. Given, it replaces the definition's lists; -ListId
    /// or -ListName given without it take the map away.</param>
    /// <param name="createLists">Create the named lists the account does not have.</param>
    /// <param name="createCustomFields">Create the mapped custom fields the account does not have.</param>
    /// <param name="cancellationToken">Stops the requests.</param>
    public async Task<ExportAccountPlan> PlanAsync(ExportDefinition definition, IReadOnlyList<string>? listIds, IReadOnlyList<string>? listNames, bool createLists, bool createCustomFields, CancellationToken cancellationToken, IReadOnlyList<KeyValuePair<string, string>>? listMap = null)
    {
        var plan = new ExportAccountPlan();
        if (listMap is not null)
        {
            await ResolveListMapAsync(definition, listMap, createLists, plan, cancellationToken).ConfigureAwait(false);
        }
        else if (listIds is not null || listNames is not null)
        {
            definition.ListMap = null;
            await ResolveListsAsync(definition, listIds ?? Array.Empty<string>(), listNames ?? Array.Empty<string>(), createLists, plan, cancellationToken).ConfigureAwait(false);
        }

        await CheckCustomFieldsAsync(definition, createCustomFields, plan, cancellationToken).ConfigureAwait(false);
        log($"Export '{definition.Name}': lists and custom fields checked against the account.");
        return plan;
    }

    /// <summary>Creates what the plan says, and puts it into the definition.</summary>
    public async Task ApplyAsync(ExportDefinition definition, ExportAccountPlan plan, CancellationToken cancellationToken)
    {
        foreach (string name in plan.ListsToCreate)
        {
            // A list that exists in another case (409) comes back resolved; see ConstantContactApi.CreateListAsync.
            ContactListInfo list = await api.CreateListAsync(name, cancellationToken).ConfigureAwait(false);
            if (!definition.ListIds.Contains(list.ListId, StringComparer.OrdinalIgnoreCase))
            {
                definition.ListIds.Add(list.ListId);
                definition.ListNames.Add(list.Name);
            }

            if (definition.ListMap is { } map)
            {
                foreach (ListMapEntry entry in map.Where(e => e.ListId.Length == 0 && ListNames.Comparer.Equals(e.ListName, name)))
                {
                    entry.ListId = list.ListId;
                    entry.ListName = list.Name;
                }
            }

            log($"List '{list.Name}' is {list.ListId}.");
        }

        if (definition.ListMap is { } listMap)
        {
            SetListsOfMap(definition, listMap);
        }

        foreach (string name in plan.CustomFieldsToCreate)
        {
            // The label is the name itself: Constant Contact makes the name from the label (blanks to underscores),
            // so the field gets the name the mapping uses. The label can be changed in the web app later.
            CustomFieldInfo field = await api.CreateCustomFieldAsync(name, "string", cancellationToken).ConfigureAwait(false);
            if (!string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                throw new ExportSetupException(
                    "CustomFieldNameMismatch", ExportSetupProblem.Conflict,
                    $"Constant Contact named the new custom field 'cf:{field.Name}', not 'cf:{name}'. Map 'cf:{field.Name}' instead (Get-CCCustomField shows the fields).",
                    name);
            }

            Rename(definition, name, field.Name);
            log($"Custom field cf:{field.Name} is {field.CustomFieldId}.");
        }
    }

    private async Task ResolveListsAsync(ExportDefinition definition, IReadOnlyList<string> listIds, IReadOnlyList<string> listNames, bool createLists, ExportAccountPlan plan, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var names = new List<string>();
        void Add(ContactListInfo list)
        {
            if (!ids.Contains(list.ListId, StringComparer.OrdinalIgnoreCase))
            {
                ids.Add(list.ListId);
                names.Add(list.Name);
            }
        }

        foreach (string id in listIds)
        {
            ContactListInfo list = await api.GetListAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new ExportSetupException("ListNotFound", ExportSetupProblem.NotFound, $"The account has no list with the id '{id}'. Get-CCList shows the lists.", id);
            Add(list);
        }

        foreach (string name in listNames)
        {
            ContactListInfo? list = await api.FindListAsync(name, cancellationToken).ConfigureAwait(false);
            if (list is not null)
            {
                if (!string.Equals(list.Name, name, StringComparison.Ordinal))
                {
                    log($"List '{name}' is the account's '{list.Name}' (list names do not differ by case).");
                }

                Add(list);
            }
            else if (createLists)
            {
                CheckNewListName(name);
                if (!plan.ListsToCreate.Contains(name, ListNames.Comparer))
                {
                    plan.ListsToCreate.Add(name);
                }
            }
            else
            {
                throw new ExportSetupException("ListNotFound", ExportSetupProblem.NotFound, $"The account has no list named '{Profiles.TextChecks.Printable(name)}'. Add -CreateList to create it, or Get-CCList to see the lists.", name);
            }
        }

        if (ids.Count + plan.ListsToCreate.Count > MaxLists)
        {
            throw new ExportSetupException("TooManyLists", ExportSetupProblem.InvalidArgument, $"An import goes to at most {MaxLists} lists.", definition.Name);
        }

        definition.ListIds = ids;
        definition.ListNames = names;
    }

    /// <summary>
    /// A name the module is about to create a list with: one line of text that shows as itself (no control character,
    /// broken UTF-16, line separator or bidirectional override: <see cref="Profiles.TextChecks.ActsOnText"/>), not
    /// blank or invisible, within Constant Contact's limit (POST /contact_lists: name maxLength 255, counted here in
    /// UTF-16 units, the stricter reading: an emoji counts two). A list named in the web app is taken as it is.
    /// </summary>
    /// <exception cref="ExportSetupException">ListNameInvalid.</exception>
    private static void CheckNewListName(string name)
    {
        int acting = -1;
        bool visible = false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]);
            if (!pair && Profiles.TextChecks.ActsOnText(c))
            {
                acting = i;
                break;
            }

            // Shows something: not white space, not invisible (format, fillers, variation selectors, tags), not a mark
            // that only decorates the character before it.
            visible |= !char.IsWhiteSpace(c) && !Profiles.TextChecks.IsInvisible(name, i)
                && CharUnicodeInfo.GetUnicodeCategory(name, i) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark);
            i += pair ? 1 : 0;
        }

        string? problem = acting >= 0 ? $"it holds a control, line-breaking or direction-changing character or broken UTF-16 (at position {acting + 1}), and a list name is one line of text"
            : !visible ? "it is blank or shows nothing"
            : name.Length > MaxListNameLength ? $"it has {name.Length} characters, and Constant Contact allows {MaxListNameLength} (an emoji counts as two)"
            : null;
        if (problem is not null)
        {
            throw new ExportSetupException("ListNameInvalid", ExportSetupProblem.InvalidArgument,
                $"The list '{Profiles.TextChecks.Printable(name, 60)}' cannot be created: {problem}.", name);
        }
    }

    /// <summary>
    /// Resolves each segment's list (by id or name; a missing name is created with <paramref name="createLists"/>, or
    /// ListNotFound), at most 50 lists in all (TooManyLists). Entries of lists still to create keep an empty ListId
    /// until <see cref="ApplyAsync"/> creates them.
    /// </summary>
    private async Task ResolveListMapAsync(ExportDefinition definition, IReadOnlyList<KeyValuePair<string, string>> listMap, bool createLists, ExportAccountPlan plan, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, ContactListInfo?>(ListNames.Comparer);
        var entries = new List<ListMapEntry>();
        foreach (KeyValuePair<string, string> pair in listMap)
        {
            string given = pair.Value;
            if (!resolved.TryGetValue(given, out ContactListInfo? list))
            {
                list = Guid.TryParse(given, out _)
                    ? await api.GetListAsync(given, cancellationToken).ConfigureAwait(false)
                        ?? throw new ExportSetupException("ListNotFound", ExportSetupProblem.NotFound, $"-ListMap sends segment '{Profiles.TextChecks.Printable(pair.Key)}' to the list id '{Profiles.TextChecks.Printable(given)}', which the account does not have. Get-CCList shows the lists.", given)
                    : await api.FindListAsync(given, cancellationToken).ConfigureAwait(false);
                if (list is null)
                {
                    if (!createLists)
                    {
                        throw new ExportSetupException("ListNotFound", ExportSetupProblem.NotFound, $"-ListMap sends segment '{Profiles.TextChecks.Printable(pair.Key)}' to the list '{Profiles.TextChecks.Printable(given)}', which the account does not have. Add -CreateList to create it, or Get-CCList to see the lists.", given);
                    }

                    CheckNewListName(given);
                    plan.ListsToCreate.Add(given);
                }
                else if (!string.Equals(list.Name, given, StringComparison.Ordinal) && !Guid.TryParse(given, out _))
                {
                    log($"List '{given}' is the account's '{list.Name}' (list names do not differ by case).");
                }

                resolved[given] = list;
            }

            entries.Add(new ListMapEntry { Segment = pair.Key, ListId = list?.ListId ?? string.Empty, ListName = list?.Name ?? given });
        }

        int lists = entries.Where(e => e.ListId.Length > 0).Select(e => e.ListId).Distinct(StringComparer.OrdinalIgnoreCase).Count() + plan.ListsToCreate.Count;
        if (lists > MaxLists)
        {
            throw new ExportSetupException("TooManyLists", ExportSetupProblem.InvalidArgument, $"-ListMap names {lists} lists; a run goes to at most {MaxLists}.", definition.Name);
        }

        definition.ListMap = entries;
        SetListsOfMap(definition, entries);
    }

    /// <summary>The definition's ListIds and ListNames: the map's lists (those resolved so far), each once, in the map's order.</summary>
    private static void SetListsOfMap(ExportDefinition definition, List<ListMapEntry> map)
    {
        definition.ListIds = new List<string>();
        definition.ListNames = new List<string>();
        foreach (ListMapEntry entry in map.Where(e => e.ListId.Length > 0))
        {
            if (!definition.ListIds.Contains(entry.ListId, StringComparer.OrdinalIgnoreCase))
            {
                definition.ListIds.Add(entry.ListId);
                definition.ListNames.Add(entry.ListName ?? string.Empty);
            }
        }
    }

    private async Task CheckCustomFieldsAsync(ExportDefinition definition, bool createCustomFields, ExportAccountPlan plan, CancellationToken cancellationToken)
    {
        var mapped = definition.Attributes.Keys
            .Where(k => k.StartsWith(ContactFieldCatalog.CustomPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(k => k.Substring(ContactFieldCatalog.CustomPrefix.Length))
            .ToList();
        if (mapped.Count == 0)
        {
            return;
        }

        IReadOnlyList<CustomFieldInfo> fields = await api.GetCustomFieldsAsync(cancellationToken).ConfigureAwait(false);
        var unknown = new List<string>();
        foreach (string name in mapped)
        {
            if (CustomFieldNames.ByName(fields, name) is { } field)
            {
                Rename(definition, name, field.Name);
            }
            else
            {
                unknown.Add(name);
            }
        }

        if (unknown.Count == 0)
        {
            return;
        }

        if (createCustomFields)
        {
            plan.CustomFieldsToCreate.AddRange(unknown);
            return;
        }

        string has = fields.Count == 0 ? "none" : string.Join(", ", fields.Select(f => ContactFieldCatalog.CustomPrefix + f.Name).OrderBy(n => n, StringComparer.OrdinalIgnoreCase));
        throw new ExportSetupException(
            "CustomFieldNotFound", ExportSetupProblem.NotFound,
            $"The account has no custom field {string.Join(", ", unknown.Select(u => $"'{ContactFieldCatalog.CustomPrefix}{u}'"))}. Add -CreateCustomField to create it (or New-CCCustomField). Custom fields are named by their name, not their label; the account has: {has}.",
            unknown.Select(u => ContactFieldCatalog.CustomPrefix + u).ToArray());
    }

    /// <summary>Spells a mapped custom field as the account does ("cf:" keys of an import must match exactly).</summary>
    private static void Rename(ExportDefinition definition, string mapped, string actual)
    {
        if (string.Equals(mapped, actual, StringComparison.Ordinal))
        {
            return;
        }

        string key = ContactFieldCatalog.CustomPrefix + mapped;
        string property = definition.Attributes[key];
        definition.Attributes.Remove(key);
        definition.Attributes[ContactFieldCatalog.CustomPrefix + actual] = property;
    }
}
