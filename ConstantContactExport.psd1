@{
    RootModule           = 'ConstantContactExport.psm1'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5f0c8a4e-3b7d-4c61-9a2e-7d1b6c2f4e90'
    Author               = 'ConstantContactExport contributors'
    CompanyName          = 'ConstantContactExport contributors'
    Copyright            = '(c) ConstantContactExport contributors. MIT License.'
    Description          = 'Sends customer profiles from marketing segments into Constant Contact lists through the V3 bulk import API: validated, de-duplicated, batched under the API limits, resumable, with an exact ledger of what happened to every profile.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @()
    TypesToProcess       = @()
    CmdletsToExport      = @(
        'Test-CCEmailAddress'
        'New-CCConnection'
        'Get-CCConnection'
        'Test-CCConnection'
        'Remove-CCConnection'
        'Get-CCList'
        'Set-CCExport'
        'Get-CCExport'
        'Remove-CCExport'
        'Invoke-CCExport'
        'Get-CCExportRun'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('ConstantContact', 'Email', 'Marketing', 'Export', 'BulkImport', 'Segments', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/ConstantContactExport/ConstantContactExport'
            ReleaseNotes = 'Foundation: Test-CCEmailAddress and the offline profile pipeline.'
        }
    }
}
