using System;
using System.Collections;
using System.Collections.Specialized;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Set-CCExport cmdlet. Its help has one source, docs/en-US/Set-CCExport.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Set, "CCExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "Set-CCExport.md")]
[OutputType(typeof(CCExport))]
public sealed class SetCCExportCommand : AsyncPSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ExportName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ExportNameCompleter))]
    public string Name { get; set; } = string.Empty;

    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(Completion.ConnectionNameCompleter))]
    public ConnectionPipeBind? Connection { get; set; }

    [Parameter]
    [ValidateCount(1, 50)]
    [ValidateNotNullOrEmpty]
    public string[]? ListId { get; set; }

    [Parameter]
    [ValidateCount(1, 50)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ListNameCompleter))]
    public string[]? ListName { get; set; }

    /// <summary>Per-segment lists: segment = list name or id (an ordered dictionary keeps its order).</summary>
    [Parameter]
    [AllowEmptyCollection]
    public IDictionary? ListMap { get; set; }

    [Parameter]
    public SwitchParameter CreateList { get; set; }

    [Parameter]
    public SwitchParameter CreateCustomField { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EmailField { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? FirstNameField { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? LastNameField { get; set; }

    [Parameter]
    [AllowEmptyCollection]
    public Hashtable? Attribute { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Segment { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? SegmentField { get; set; }

    [Parameter]
    [ValidateRange(1L, (long)ExportDefinition.DefaultMaxProfiles)]
    public long MaxProfiles { get; set; }

    [Parameter]
    [ValidateRange(0L, 100L)]
    public long MaxRejectPercent { get; set; }

    [Parameter]
    public SwitchParameter RemoveMissing { get; set; }

    [Parameter]
    [ValidateRange(0L, 100L)]
    public long MaxRemovePercent { get; set; }

    [Parameter]
    [ValidateRange(0L, (long)ExportDefinition.MaxRetainDays)]
    public long RetainDays { get; set; }

    [Parameter]
    [AllowEmptyCollection]
    public string[]? SourcePath { get; set; }

    [Parameter]
    [AllowEmptyString]
    public string? Description { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        StoragePaths paths = ModuleHome.Open(this);
        var store = new ExportDefinitionStore(paths);
        ExportDefinition? existing = Load(store);
        ExportDefinition definition = existing ?? new ExportDefinition { Name = Name, CreatedBy = UserIdentity.Current, CreatedOn = DateTimeOffset.UtcNow };
        IReadOnlyList<KeyValuePair<string, string>>? listMap = null;
        Fail(() =>
        {
            bool listsGiven = ListId is not null || ListName is not null;
            ExportDefinitionBuilder.CheckSegmentsOfMap(definition, listsGiven, Segment is not null);
            if (ListMap is not null)
            {
                listMap = ExportDefinitionBuilder.ParseListMap(MapEntries(ListMap));
                ExportDefinitionBuilder.SetListMap(definition, listMap, listsGiven, Segment is not null);
            }

            Apply(definition, existing is null);
            ExportDefinitionBuilder.Validate(definition, ListId, listsGiven || listMap is not null);
        });

        // The connection must exist (ErrorId ConnectionNotFound otherwise); its name is kept as the file spells it.
        ConnectionSession session = ExportConnections.Resolve(this, definition.Connection, paths);
        definition.Connection = session.Connection.Name;

        bool checkAccount = existing is null || ListId is not null || ListName is not null || listMap is not null || Attribute is not null || Connection is not null || CreateCustomField;
        string target = $"export '{Name}' ({store.PathOf(Name)})";
        if (checkAccount)
        {
            using ConstantContactApi api = ExportConnections.OpenApi(session, LogVerbose);
            var setup = new ExportAccountSetup(api, LogVerbose);
            ExportAccountPlan plan = RunOrFail(ct => setup.PlanAsync(definition, ListId, ListName, CreateList, CreateCustomField, ct, listMap), Name, "ExportAccountCheckFailed");
            Fail(() => RemoveListSharing.Check(store, definition, plan.ListsToCreate));
            if (!ShouldProcess(target, (existing is null ? "Create export" : "Update export") + plan.Describe()))
            {
                return;
            }

            RunOrFail(async ct => { await setup.ApplyAsync(definition, plan, ct).ConfigureAwait(false); return true; }, Name, "ExportAccountChangeFailed");
        }
        else if (!Fail(() => RemoveListSharing.Check(store, definition)) || !ShouldProcess(target, "Update export"))
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
            ExportDefinition? existing = store.Get(Name);
            if (existing is null)
            {
                store.CheckNewName(Name);
            }

            return existing;
        }
        catch (ArgumentException ex)
        {
            this.Fail(new ErrorRecord(ex, "ExportNameInvalid", ErrorCategory.InvalidArgument, Name));
        }
        catch (ExportDefinitionException ex)
        {
            this.Fail(new ErrorRecord(ex, "ExportDefinitionInvalid", ErrorCategory.InvalidData, ex.Path));
        }

        return null;
    }

    /// <summary>Runs <paramref name="action"/> (true when it refused nothing); a definition it refuses is a terminating error with the engine's ErrorId.</summary>
    private bool Fail(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (ExportSetupException ex)
        {
            this.Fail(ErrorRecords.From(ex, ex.Target, ex.ErrorId));
            return false;
        }
    }

    /// <summary>Copies the bound parameters into the definition (the engine checks the result).</summary>
    private void Apply(ExportDefinition definition, bool isNew)
    {
        if (Connection is not null)
        {
            definition.Connection = Connection.Name;
        }
        else if (isNew)
        {
            // The runspace's default connection (the last one used, or the only one there is).
            ConnectionSession session = ExportConnections.Resolve(this, null, ModuleHome.Open(this));
            definition.Connection = session.Connection.Name;
        }

        if (EmailField is not null)
        {
            definition.EmailField = EmailField;
        }

        if (Segment is not null)
        {
            definition.Segments = Segment.ToList();
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
            ExportDefinitionBuilder.SetAttributes(definition, Attribute.Cast<DictionaryEntry>().Select(entry =>
                new KeyValuePair<string, string>(LanguagePrimitives.ConvertTo<string>(entry.Key), LanguagePrimitives.ConvertTo<string>(entry.Value))));
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxProfiles)))
        {
            definition.MaxProfiles = MaxProfiles;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxRejectPercent)))
        {
            definition.MaxRejectPercent = (int)MaxRejectPercent;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(RemoveMissing)))
        {
            // -RemoveMissing:$false turns it off.
            definition.RemoveMissing = RemoveMissing.IsPresent;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(MaxRemovePercent)))
        {
            definition.MaxRemovePercent = (int)MaxRemovePercent;
        }

        if (MyInvocation.BoundParameters.ContainsKey(nameof(RetainDays)))
        {
            definition.RetainDays = (int)RetainDays;
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

    /// <summary>
    /// The map's entries as text: a hashtable's sorted by segment (its own order is arbitrary; a sorted one keeps the
    /// definition file stable), an ordered dictionary's as given. A Get-CCList object stands for its id; a value that
    /// is not one name (an array) is null, which the engine refuses.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string?>> MapEntries(IDictionary map)
    {
        var entries = map.Cast<DictionaryEntry>().Select(entry =>
        {
            object? value = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            string? list = value switch
            {
                null => null,
                string text => text,
                CCList ccList => ccList.ListId,
                IEnumerable => null,
                _ => LanguagePrimitives.ConvertTo<string>(value),
            };
            return new KeyValuePair<string, string?>(LanguagePrimitives.ConvertTo<string>(entry.Key) ?? string.Empty, list);
        });
        return map is IOrderedDictionary ? entries.ToList() : entries.OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
}
