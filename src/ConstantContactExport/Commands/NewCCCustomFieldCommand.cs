using System;
using System.Management.Automation;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Exports;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The New-CCCustomField cmdlet. Its help has one source, docs/en-US/New-CCCustomField.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.New, "CCCustomField", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = HelpLinks.Base + "New-CCCustomField.md")]
[OutputType(typeof(CCCustomField))]
public sealed class NewCCCustomFieldCommand : AsyncPSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateLength(1, 50)]
    public string Label { get; set; } = string.Empty;

    [Parameter]
    [ValidateSet("string", "date")]
    public string Type { get; set; } = "string";

    [Parameter]
    [ArgumentCompleter(typeof(Completion.ConnectionNameCompleter))]
    public ConnectionPipeBind? Connection { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        ConnectionSession session = ExportConnections.Resolve(this, Connection?.Name, ModuleHome.Open(this));
        string connection = session.Connection.Name;
        if (string.IsNullOrWhiteSpace(Label))
        {
            WriteError(new ErrorRecord(new PSArgumentException("A custom field's label cannot be blank."), "CustomFieldLabelInvalid", ErrorCategory.InvalidArgument, Label));
            return;
        }

        if (!ShouldProcess($"connection '{connection}'", $"Create custom field '{Label.Trim()}' (cf:{CustomFieldNames.FromLabel(Label)}, {Type})"))
        {
            return;
        }

        using ConstantContactApi api = ExportConnections.OpenApi(session, LogVerbose);
        CustomFieldInfo field;
        try
        {
            field = Run(ct => api.CreateCustomFieldAsync(Label.Trim(), Type, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not RuntimeException)
        {
            // One label that cannot be created is one error; the next piped label is still tried.
            WriteError(ErrorRecords.From(ex, Label, "CustomFieldCreateFailed"));
            return;
        }

        LogVerbose($"Custom field cf:{field.Name} ({field.Type}) is {field.CustomFieldId}.");
        if (PassThru)
        {
            WriteObject(CCCustomField.From(field, connection));
        }
    }
}
