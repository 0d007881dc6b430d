<#
.SYNOPSIS
    The main job, end to end, against ConstantContact.Sandbox: sandbox up, connection, export defined,
    sample profiles exported, the run object and the reject report shown, the list checked, sandbox down.

.DESCRIPTION
    build.ps1 -Task Demo builds the module and the sandbox and runs this script in a fresh pwsh. Everything
    it writes goes to a temporary CC_EXPORT_HOME, which it removes at the end unless -Keep is given.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Demo
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $SandboxPath = (Join-Path $PSScriptRoot '../../out/sandbox/ConstantContact.Sandbox.dll'),
    [int] $Count = 100000,
    [switch] $Keep
)

$ErrorActionPreference = 'Stop'
$home_ = Join-Path ([System.IO.Path]::GetTempPath()) "cce-demo-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory -Path $home_ | Out-Null
$env:CC_EXPORT_HOME = $home_

function Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }
# What the next printed object is, so that no table or list appears unexplained.
function Label([string] $Text) { Write-Host "-- $Text" -ForegroundColor DarkCyan }

Step 'Starting ConstantContact.Sandbox on loopback'
Import-Module (Join-Path $PSScriptRoot 'SandboxProcess.psm1')
$sandboxInfo = Start-Sandbox -SandboxPath $SandboxPath -Arguments @('--activity-delay', '200')
try {
    Write-Host "API $($sandboxInfo.apiBaseUri)  auth $($sandboxInfo.authBaseUri)  client id $($sandboxInfo.clientId)"

    Import-Module $ModulePath

    Step 'New-CCConnection (device flow; the sandbox approves at once)'
    $connection = New-CCConnection -Name demo -ClientId $sandboxInfo.clientId -PassThru `
        -ApiBaseUri $sandboxInfo.apiBaseUri -AuthBaseUri $sandboxInfo.authBaseUri -AcceptDataPrivacyNotice
    Label 'The connection New-CCConnection saved (tokens are in the secret store, never shown):'
    $connection | Format-List Name, ApiBaseUri, CreatedBy, ExportUsers, TokenExpiresOn | Out-Host
    Label 'Test-CCConnection:'
    Test-CCConnection -Connection demo | Format-List | Out-Host

    Step 'Set-CCExport: target list and custom field (both created), mapping, segment'
    $export = Set-CCExport -Name newsletter -Connection demo -ListName 'Newsletter subscribers' -CreateList `
        -EmailField Email -FirstNameField FirstName -LastNameField LastName `
        -Attribute @{ company_name = 'Company'; city = 'City'; 'cf:loyalty_tier' = 'Tier' } -CreateCustomField `
        -Segment Newsletter -SegmentField Segments -PassThru
    Label 'The saved export (a plain JSON file):'
    $export | Format-List Name, Connection, ListIds, ListNames, EmailField, Attributes, Segment, SegmentField, MaxProfiles | Out-Host

    Step "Generating $Count sample profiles (some invalid, duplicated, out of segment)"
    $csv = Join-Path $home_ 'profiles.csv'
    $expected = & (Join-Path $PSScriptRoot 'New-SampleProfileCsv.ps1') -Path $csv -Count $Count
    Label 'The ledger the generator says an exact export must show:'
    $expected | Format-Table | Out-Host

    Step 'Invoke-CCExport -Path profiles.csv'
    # The run's warnings (one sums the rejects up by reason) are collected and shown with a label.
    $run = Invoke-CCExport -Name newsletter -Path $csv -WarningAction SilentlyContinue -WarningVariable warned
    Label 'The run object Invoke-CCExport returned (every profile in exactly one bucket):'
    $run | Format-List * | Out-Host
    foreach ($warning in $warned) { Label "Invoke-CCExport warned: $warning" }

    Step 'The reject report'
    Label "Rejects by reason ($($run.RejectPath)):"
    $rejects = Import-Csv $run.RejectPath
    $rejects | Group-Object Reason -NoElement | Sort-Object Count -Descending | Format-Table Count, Name | Out-Host
    Label 'Its first five rows:'
    $rejects | Select-Object -First 5 | Format-Table RecordNumber, Line, Email, Reason, Field | Out-Host

    Step 'Checking the list in the sandbox against the generator''s ledger'
    $listId = $export.ListIds[0]
    $members = Invoke-RestMethod "$($sandboxInfo.Root)/__sandbox/lists/$listId/members"
    $memberCount = $members.members_count
    $ok = $memberCount -eq $expected.SubmittedCount -and $run.SubmittedCount -eq $expected.SubmittedCount -and
        $run.InputCount -eq $expected.InputCount -and $run.InvalidCount -eq $expected.InvalidCount -and
        $run.DuplicateCount -eq $expected.DuplicateCount -and $run.OutOfSegmentCount -eq $expected.OutOfSegmentCount
    Write-Host "The list holds $memberCount contacts; the generator sent $($expected.SubmittedCount); the ledger matches: $ok" -ForegroundColor ($ok ? 'Green' : 'Red')
    if (-not $ok) { exit 1 }
}
finally {
    Stop-Sandbox $sandboxInfo
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    if ($Keep) { Write-Host "Kept $home_" } else { Remove-Item $home_ -Recurse -Force -ErrorAction SilentlyContinue }
}
