namespace ConstantContactExport.Hosting;

/// <summary>
/// Where Get-Help -Online goes: each cmdlet's help source in the project's repository (the ProjectUri of
/// ConstantContactExport.psd1), docs/en-US/&lt;Cmdlet&gt;.md.
/// </summary>
internal static class HelpLinks
{
    public const string Base = "https://github.com/ConstantContactExport/ConstantContactExport/blob/main/docs/en-US/";
}
