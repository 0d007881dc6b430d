using System;
using System.Collections;
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

/// <summary>
/// <para type="synopsis">Creates or changes a saved export: its connection, target lists, field mapping and segments. Saving runs nothing.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "CCExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "Set-CCExport.md")]
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

    /// <summary><para type="description">Create the custom fields mapped by -Attribute ('cf:name') that the account does not have (type string).</para></summary>
    [Parameter]
    public SwitchParameter CreateCustomField { get; set; }

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

    /// <summary><para type="description">The most profiles one run may send: 1 to 1,000,000 (the default).</para></summary>
    [Parameter]
    [ValidateRange(1L, (long)ExportDefinition.DefaultMaxProfiles)]
    public long MaxProfiles { get; set; }

    /// <summary><para type="description">The share of in-segment profiles (0 to 100, 10 by default) a run may reject; past it the run fails with RejectLimitExceeded.</para></summary>
    [Parameter]
    [ValidateRange(0L, 100L)]
    public long MaxRejectPercent { get; set; }

    /// <summary><para type="description">Days a run's folder (journal, ledger, reject report) is kept after the run last did anything; the export's later runs delete older ones. 0 to 3650, 30 by default; 0 keeps a run until the export runs again.</para></summary>
    [Parameter]
    [ValidateRange(0L, (long)ExportDefinition.MaxRetainDays)]
    public long RetainDays { get; set; }

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
        StoragePaths paths = ModuleHome.Open(this);
        var store = new ExportDefinitionStore(paths);
        ExportDefinition? existing = Load(store);
        ExportDefinition definition = existing ?? new ExportDefinition { Name = Name, CreatedBy = UserIdentity.Current, CreatedOn = DateTimeOffset.UtcNow };
        Fail(() =>
        {
            Apply(definition, existing is null);
            ExportDefinitionBuilder.Validate(definition, ListId, ListId is not null || ListName is not null);
        });

        // The connection must exist (ErrorId ConnectionNotFound otherwise); its name is kept as the file spells it.
        ConnectionSession session = ExportConnections.Resolve(this, definition.Connection, paths);
        definition.Connection = session.Connection.Name;

        bool checkAccount = existing is null || ListId is not null || ListName is not null || Attribute is not null || Connection is not null || CreateCustomField;
        string target = $"export '{Name}' ({store.PathOf(Name)})";
        if (checkAccount)
        {
            using ConstantContactApi api = ExportConnections.OpenApi(session, LogVerbose);
            var setup = new ExportAccountSetup(api, LogVerbose);
            ExportAccountPlan plan = RunOrFail(ct => setup.PlanAsync(definition, ListId, ListName, CreateList, CreateCustomField, ct), Name, "ExportAccountCheckFailed");
            if (!ShouldProcess(target, (existing is null ? "Create export" : "Update export") + plan.Describe()))
            {
                return;
            }

            RunOrFail(async ct => { await setup.ApplyAsync(definition, plan, ct).ConfigureAwait(false); return true; }, Name, "ExportAccountChangeFailed");
        }
        else if (!ShouldProcess(target, "Update export"))
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

    /// <summary>Runs <paramref name="action"/>; a definition it refuses is a terminating error with the engine's ErrorId.</summary>
    private void Fail(Action action)
    {
        try
        {
            action();
        }
        catch (ExportSetupException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, ex.Target, ex.ErrorId));
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

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
}
