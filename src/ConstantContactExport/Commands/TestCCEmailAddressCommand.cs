using System.Management.Automation;
using ConstantContactExport.Engine.Profiles;

using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>
/// Test-CCEmailAddress: whether each address is one an export would send to Constant Contact, by the same rules
/// the export applies (docs/email-validation.md). Answers $true or $false per address, or with -Detailed an
/// object with the normalized form and the reason. An invalid address is an answer, not an error.
/// </summary>
/// <example>
/// <code>Import-Csv customers.csv | Test-CCEmailAddress -Detailed | Where-Object { -not $_.IsValid }</code>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "CCEmailAddress", HelpUri = HelpLinks.Base + "Test-CCEmailAddress.md")]
[OutputType(typeof(bool), typeof(CCEmailAddressTestResult))]
public sealed class TestCCEmailAddressCommand : Cmdlet
{
    /// <summary>
    /// The addresses to test. Bound from strings in the pipeline, or from the Address, Email, EmailAddress, Mail
    /// or PrimaryEmail property of piped objects (CSV rows, AD users). Empty and null are allowed so that a
    /// profile without an address answers $false instead of stopping the pipeline with a binding error.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Email", "EmailAddress", "Mail", "PrimaryEmail")]
    [AllowEmptyString]
    [AllowNull]
    [AllowEmptyCollection]
    public string?[]? Address { get; set; }

    /// <summary>Output a CCEmailAddressTestResult (Address, IsValid, Normalized, Reason) instead of a bool.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecord()
    {
        if (Address is null)
        {
            WriteResult(null);
            return;
        }

        foreach (string? address in Address)
        {
            WriteResult(address);
        }
    }

    private void WriteResult(string? address)
    {
        EmailValidationResult result = EmailAddressValidator.Validate(address);
        if (Detailed)
        {
            string? reason = result.IsValid ? null : result.Reason.ToString();
            WriteObject(new CCEmailAddressTestResult(address, result.IsValid, result.Normalized, reason));
        }
        else
        {
            WriteObject(result.IsValid);
        }
    }
}
