using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>
/// <para type="synopsis">Creates or changes a saved export: its connection, target lists, field mapping and segments. Saving runs nothing.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "CCExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(CCExport))]
public sealed class SetCCExportCommand : AsyncPSCmdlet
{
    /// <summary><para type="description">The export's name (a file name: letters, digits, '-', '_', '.', spaces inside).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ExportName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary><para type="description">The connection (a name or a connection object). Required for a new export.</para></summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(Completion.ConnectionNameCompleter))]
    public ConnectionPipeBind? Connection { get; set; }

    /// <summary><para type="description">The target lists' ids (UUIDs), 1 to 50.</para></summary>
    [Parameter]
    [ValidateCount(1, 50)]
    [ValidateNotNullOrEmpty]
    public string[]? ListId { get; set; }

    /// <summary><para type="description">The target lists' names, resolved to ids when saved (see -CreateList).</para></summary>
    [Parameter]
    [ValidateCount(1, 50)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ListNameCompleter))]
    public string[]? ListName { get; set; }

    /// <summary><para type="description">Create the lists named by -ListName that do not exist.</para></summary>
    [Parameter]
    public SwitchParameter CreateList { get; set; }

    /// <summary><para type="description">The profile property that holds the email address. Required for a new export.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EmailField { get; set; }

    /// <summary><para type="description">The profile property for first_name.</para></summary>
    [Parameter]
    [AllowEmptyString]
    public string? FirstNameField { get; set; }

    /// <summary><para type="description">The profile property for last_name.</para></summary>
    [Parameter]
    [AllowEmptyString]
    public string? LastNameField { get; set; }

    /// <summary><para type="description">More fields: @{ 'job_title' = 'Title'; 'cf:loyalty_tier' = 'Tier' } (Constant Contact field = profile property).</para></summary>
    [Parameter]
    [AllowEmptyCollection]
    public Hashtable? Attribute { get; set; }

    /// <summary><para type="description">The segments the export sends (exports are limited to segments). Required for a new export.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Segment { get; set; }

    /// <summary><para type="description">The profile property that lists a profile's segments (an array, or names separated by ';' or ',').</para></summary>
    [Parameter]
    [AllowEmptyString]
    public string? SegmentField { get; set; }

    /// <summary><para type="description">The most profiles one run may send (1,000,000 by default and at most).</para></summary>
    [Parameter]
    [ValidateRange(1, ExportDefinition.DefaultMaxProfiles)]
    public long MaxProfiles { get; set; }

    /// <summary><para type="description">Days a run's folder (journal, ledger, reject report) is kept after the run last did anything; the export's later runs delete older ones. 0 to 3650, 30 by default; 0 keeps a run until the export runs again.</para></summary>
    [Parameter]
    [ValidateRange(0, ExportDefinition.MaxRetainDays)]
    public int RetainDays { get; set; }

    /// <summary><para type="description">CSV files or wildcards that unattended runs read when nothing is piped in.</para></summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? SourcePath { get; set; }

    /// <summary><para type="description">A note for people reading the definition.</para></summary>
    [Parameter]
    [AllowEmptyString]
    public string? Description { get; set; }

    /// <summary><para type="description">Output the saved export.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        StoragePaths paths = StoragePaths.FromEnvironment();
        var store = new ExportDefinitionStore(paths);
        ExportDefinition? existing = Load(store);
        ExportDefinition definition = existing ?? new ExportDefinition { Name = Name, CreatedBy = UserIdentity.Current, CreatedOn = DateTimeOffset.UtcNow };
        Apply(definition, existing is null);

        try
        {
            _ = definition.ToMapping();
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "MappingInvalid", ErrorCategory.InvalidArgument, Name));
        }

        // The connection must exist (ErrorId ConnectionNotFound otherwise); its name is kept as the file spells it.
        ConnectionSession session = ExportConnections.Resolve(this, definition.Connection, paths);
        definition.Connection = session.Connection.Name;

        bool checkAccount = existing is null || ListId is not null || ListName is not null || Attribute is not null || Connection is not null;
        var toCreate = new List<string>();
        if (checkAccount)
        {
            using ConstantContactApi api = ExportConnections.OpenApi(session, LogVerbose);
            try
            {
                Run(ct => CheckAccountAsync(api, definition, toCreate, ct));
            }
            catch (CommandFailure failure)
            {
                ThrowTerminatingError(failure.Record);
            }

            string action = (existing is null ? "Create export" : "Update export")
                + (toCreate.Count > 0 ? $", creating list(s) {string.Join(", ", toCreate.Select(n => $"'{n}'"))}" : string.Empty);
            if (!ShouldProcess($"export '{Name}' ({store.PathOf(Name)})", action))
            {
                return;
            }

            if (toCreate.Count > 0)
            {
                Run(ct => CreateListsAsync(api, definition, toCreate, ct));
            }
        }
        else if (!ShouldProcess($"export '{Name}' ({store.PathOf(Name)})", "Update export"))
        {
            return;
        }

        definition.ModifiedOn = DateTimeOffset.UtcNow;
        store.Save(definition);
        if (PassThru)
        {
            WriteObject(CCExport.From(definition, store.PathOf(Name)));
        }
    }

    private ExportDefinition? Load(ExportDefinitionStore store)
    {
        try
        {
            return store.Get(Name);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ExportNameInvalid", ErrorCategory.InvalidArgument, Name));
        }
        catch (ExportDefinitionException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ExportDefinitionInvalid", ErrorCategory.InvalidData, ex.Path));
        }

        return null;
    }

    private void Apply(ExportDefinition definition, bool isNew)
    {
        var missing = new List<string>();
        if (Connection is not null)
        {
            definition.Connection = Connection.Name;
        }
        else if (isNew)
        {
            // The runspace's default connection (the last one used, or the only one there is).
            ConnectionSession session = ExportConnections.Resolve(this, null, StoragePaths.FromEnvironment());
            definition.Connection = session.Connection.Name;
        }

        if (EmailField is not null)
        {
            definition.EmailField = EmailField;
        }
        else if (isNew)
        {
            missing.Add("-EmailField");
        }

        if (Segment is not null)
        {
            definition.Segments = Segment.ToList();
        }
        else if (isNew)
        {
            missing.Add("-Segment");
        }

        if (ListId is null && ListName is null && isNew)
        {
            missing.Add("-ListId or -ListName");
        }

        if (missing.Count > 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"A new export needs {string.Join(", ", missing)}."),
                "ExportIncomplete", ErrorCategory.InvalidArgument, Name));
        }

        if (ListId is not null)
        {
            var bad = ListId.Where(id => !Guid.TryParse(id, out _)).ToList();
            if (bad.Count > 0)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"List ids are UUIDs (8-4-4-4-12 hex digits); these are not: {string.Join(", ", bad)}. Get-CCList shows the lists' ids."),
                    "ListIdInvalid", ErrorCategory.InvalidArgument, bad));
            }
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(FirstNameField)))
        {
            definition.FirstNameField = Blank(FirstNameField);
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(LastNameField)))
        {
            definition.LastNameField = Blank(LastNameField);
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(SegmentField)))
        {
            definition.SegmentField = Blank(SegmentField);
        }

        if (Attribute is not null)
        {
            definition.Attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in Attribute)
            {
                string key = LanguagePrimitives.ConvertTo<string>(entry.Key);
                string value = LanguagePrimitives.ConvertTo<string>(entry.Value);
                try
                {
                    definition.Attributes[ContactFieldCatalog.Parse(key).Name] = value;
                }
                catch (ArgumentException ex)
                {
                    ThrowTerminatingError(new ErrorRecord(ex, "MappingInvalid", ErrorCategory.InvalidArgument, key));
                }
            }
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxProfiles)))
        {
            definition.MaxProfiles = MaxProfiles;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(RetainDays)))
        {
            definition.RetainDays = RetainDays;
        }

        if (SourcePath is not null)
        {
            // Kept as full paths: an unattended run starts in another folder.
            definition.SourcePath = SourcePath.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)).ToList();
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(Description)))
        {
            definition.Description = Blank(Description);
        }
    }

    private async Task<bool> CheckAccountAsync(ConstantContactApi api, ExportDefinition definition, List<string> toCreate, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var names = new List<string>();
        foreach (string id in ListId ?? Array.Empty<string>())
        {
            ContactListInfo? list = await api.GetListAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new CommandFailure(new ItemNotFoundException($"The account has no list with the id '{id}'. Get-CCList shows the lists."), "ListNotFound", ErrorCategory.ObjectNotFound, id);
            ids.Add(list.ListId);
            names.Add(list.Name);
        }

        foreach (string name in ListName ?? Array.Empty<string>())
        {
            ContactListInfo? list = await api.FindListAsync(name, cancellationToken).ConfigureAwait(false);
            if (list is not null)
            {
                ids.Add(list.ListId);
                names.Add(list.Name);
            }
            else if (CreateList)
            {
                toCreate.Add(name);
            }
            else
            {
                throw new CommandFailure(new ItemNotFoundException($"The account has no list named '{name}'. Add -CreateList to create it, or Get-CCList to see the lists."), "ListNotFound", ErrorCategory.ObjectNotFound, name);
            }
        }

        if (ListId is not null || ListName is not null)
        {
            if (ids.Count + toCreate.Count > 50)
            {
                throw new CommandFailure(new ArgumentException("An import goes to at most 50 lists."), "TooManyLists", ErrorCategory.InvalidArgument, Name);
            }

            definition.ListIds = ids;
            definition.ListNames = names;
        }

        var custom = definition.Attributes.Keys.Where(k => k.StartsWith(ContactFieldCatalog.CustomPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        if (custom.Count > 0)
        {
            var known = new HashSet<string>(await api.GetCustomFieldNamesAsync(cancellationToken).ConfigureAwait(false), StringComparer.OrdinalIgnoreCase);
            var unknown = custom.Where(k => !known.Contains(k.Substring(ContactFieldCatalog.CustomPrefix.Length))).ToList();
            if (unknown.Count > 0)
            {
                throw new CommandFailure(new ItemNotFoundException(
                    $"The account has no custom field {string.Join(", ", unknown.Select(u => $"'{u}'"))}. Custom fields are named by their name, not their label; the account has: {(known.Count == 0 ? "none" : string.Join(", ", known.OrderBy(k => k).Select(k => "cf:" + k)))}."),
                    "CustomFieldNotFound", ErrorCategory.ObjectNotFound, unknown);
            }
        }

        LogVerbose($"Export '{Name}': lists and custom fields checked against the account.");
        return true;
    }

    private async Task<bool> CreateListsAsync(ConstantContactApi api, ExportDefinition definition, List<string> toCreate, CancellationToken cancellationToken)
    {
        foreach (string name in toCreate)
        {
            ContactListInfo list = await api.CreateListAsync(name, cancellationToken).ConfigureAwait(false);
            definition.ListIds.Add(list.ListId);
            definition.ListNames.Add(list.Name);
            LogVerbose($"List '{list.Name}' is {list.ListId}.");
        }

        return true;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
}
