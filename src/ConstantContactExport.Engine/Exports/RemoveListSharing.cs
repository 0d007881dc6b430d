using System;
using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Api;

namespace ConstantContactExport.Engine.Exports;

/// <summary>
/// Two -RemoveMissing exports must not share a list: each records only the contacts it put there, so each takes the
/// other's contacts (no profile of its own segment names them) off the list. Set-CCExport refuses to save such a
/// definition and Invoke-CCExport to run one (a definition file edited by hand), before anything is sent or saved.
/// </summary>
public static class RemoveListSharing
{
    public const string ErrorId = "RemoveListShared";

    /// <summary>
    /// The first other saved export with -RemoveMissing that has one of this definition's lists: by list id, however the
    /// UUID is spelled (on any
    /// connection: ids are the account's, so two connections to one account are caught too), or, on the same connection,
    /// by list name (without regard to case, as Constant Contact compares names). Null when there is none or this
    /// definition has no -RemoveMissing. Definitions that cannot be read are passed over: they cannot run.
    /// </summary>
    /// <param name="store">The saved definitions.</param>
    /// <param name="definition">The definition to save or run, its lists resolved.</param>
    /// <param name="namesToCreate">List names still to be created by this save (-CreateList), which have no id yet.</param>
    public static RemoveListConflict? Find(ExportDefinitionStore store, ExportDefinition definition, IEnumerable<string>? namesToCreate = null)
    {
        if (!definition.RemoveMissing)
        {
            return null;
        }

        // Ids as the sync state keeps them: a UUID in any of its spellings (no dashes, braces, another case) is one list.
        var ids = new HashSet<Guid>(definition.ListIds.Where(id => !string.IsNullOrWhiteSpace(id)).Select(Sync.SyncListIds.Of));
        var names = new HashSet<string>(ListNames.Comparer);
        names.UnionWith(definition.ListNames.Concat(definition.ListMap?.Select(e => e.ListName ?? string.Empty) ?? Enumerable.Empty<string>())
            .Concat(namesToCreate ?? Enumerable.Empty<string>()).Select(n => n.Trim()).Where(n => n.Length > 0));
        foreach (string name in store.Names())
        {
            if (string.Equals(name, definition.Name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            ExportDefinition other;
            try
            {
                other = store.Get(name)!;
            }
            catch (Exception ex) when (ex is ExportDefinitionException or ArgumentException or System.IO.IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (other is null || !other.RemoveMissing)
            {
                continue;
            }

            for (int i = 0; i < other.ListIds.Count; i++)
            {
                string otherName = i < other.ListNames.Count ? other.ListNames[i].Trim() : string.Empty;
                bool sameConnection = string.Equals(other.Connection, definition.Connection, StringComparison.OrdinalIgnoreCase);
                if ((!string.IsNullOrWhiteSpace(other.ListIds[i]) && ids.Contains(Sync.SyncListIds.Of(other.ListIds[i]))) || (sameConnection && otherName.Length > 0 && names.Contains(otherName)))
                {
                    return new RemoveListConflict(other.Name, otherName.Length > 0 ? $"'{otherName}' ({other.ListIds[i]})" : other.ListIds[i]);
                }
            }
        }

        return null;
    }

    /// <summary>Set-CCExport's check: <see cref="Find"/>, refused as ExportSetupException <see cref="ErrorId"/>.</summary>
    /// <exception cref="ExportSetupException">Another -RemoveMissing export has one of the lists.</exception>
    public static void Check(ExportDefinitionStore store, ExportDefinition definition, IEnumerable<string>? namesToCreate = null)
    {
        if (Find(store, definition, namesToCreate) is { } conflict)
        {
            throw new ExportSetupException(ErrorId, ExportSetupProblem.InvalidOperation, conflict.Message(definition.Name, saving: true), definition.Name);
        }
    }
}

/// <summary>Another -RemoveMissing export on one of the lists: its name and the list (name and id, or id).</summary>
public sealed record RemoveListConflict(string OtherExport, string List)
{
    /// <summary>What is refused, why, and the two ways out.</summary>
    public string Message(string export, bool saving) =>
        $"{(saving ? "The export '" + export + "' was not saved" : "The export '" + export + "' did not run; nothing was sent")}: it and the export '{OtherExport}' both have -RemoveMissing and the list {List}. "
        + $"Each takes the contacts it put on a list off it when they leave its segment, and would take the other's contacts off as leavers. "
        + $"Give one of them its own list (Set-CCExport -ListName / -ListId / -ListMap), or turn -RemoveMissing off on one (Set-CCExport -Name '{OtherExport}' -RemoveMissing:$false).";
}
