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
    FormatsToProcess     = @('ConstantContactExport.Format.ps1xml')
    TypesToProcess       = @('ConstantContactExport.Types.ps1xml')
    CmdletsToExport      = @(
        'Test-CCEmailAddress'
        'New-CCConnection'
        'Get-CCConnection'
        'Test-CCConnection'
        'Remove-CCConnection'
        'Get-CCList'
        'Get-CCCustomField'
        'New-CCCustomField'
        'Set-CCExport'
        'Get-CCExport'
        'Remove-CCExport'
        'Invoke-CCExport'
        'Get-CCExportRun'
        'Remove-CCExportRun'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('ConstantContact', 'Email', 'EmailMarketing', 'Marketing', 'Newsletter', 'Export', 'BulkImport', 'Segments', 'CDP', 'CSV', 'OAuth2', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/ConstantContactExport/ConstantContactExport'
            ReleaseNotes = @'
0.1.0: first release.
- Connections to Constant Contact accounts (OAuth2 device flow, PKCE in the browser, or a refresh token), tokens kept in the secret store.
- Saved exports (lists, field mapping, segments, MaxProfiles, source paths) as plain JSON definitions.
- Invoke-CCExport: validated, de-duplicated bulk imports under Constant Contact's limits, resumable, with a ledger of every profile and a reject report.
- Test-CCEmailAddress; Get-CCList; Get-CCExportRun.
- Offline help (Get-Help, about_ConstantContactExport), table and list views, Tab completion of export, connection and list names.
'@
        }
    }
}
