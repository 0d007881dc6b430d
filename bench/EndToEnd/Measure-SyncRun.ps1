<#
.SYNOPSIS
    One timed run of a standing export (bench/Invoke-SyncBench.ps1), in a fresh pwsh; prints one JSON line last.

.DESCRIPTION
    The export's home (CC_EXPORT_HOME) is given and kept between runs, so a run sees what the runs before it
    delivered (its sync state). With -Define, the connection and the export are made first (outside the clock):
    New-CCConnection against the sandbox, Set-CCExport with the demo's mapping, and -RemoveMissing when asked.
    The clock runs from Invoke-CCExport -Path to its return (every import and removal activity completed).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ExportHome,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Sandbox,
    [Parameter(Mandatory)] [string] $Name,
    [Parameter(Mandatory)] [string] $Csv,
    [switch] $Define,
    [switch] $RemoveMissing,
    [switch] $Force
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
[System.Threading.Thread]::CurrentThread.CurrentCulture = [cultureinfo]::InvariantCulture

function Write-Result([hashtable] $Result) {
    $Result.peakWorkingSetMB = [math]::Round([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
    [System.Console]::Out.WriteLine(($Result | ConvertTo-Json -Compress -Depth 5))
}

function Get-Count($Object, [string] $Property) {
    if ($Object.PSObject.Properties[$Property]) { $Object.$Property } else { $null }
}

$result = @{ name = $Name; csv = [System.IO.Path]::GetFileName($Csv) }
try {
    $info = $Sandbox | ConvertFrom-Json
    $root = $info.apiBaseUri -replace '/v3$', ''
    $env:CC_EXPORT_HOME = $ExportHome
    Import-Module $ModulePath
    if ($Define) {
        if (-not (Get-CCConnection -Name bench -ErrorAction SilentlyContinue)) {
            New-CCConnection -Name bench -ClientId $info.clientId -ApiBaseUri $info.apiBaseUri -AuthBaseUri $info.authBaseUri -AcceptDataPrivacyNotice 6>$null | Out-Null
        }
        $definition = @{
            Name = $Name; Connection = 'bench'; ListName = "Bench $Name"; CreateList = $true
            EmailField = 'Email'; FirstNameField = 'FirstName'; LastNameField = 'LastName'
            Attribute = @{ company_name = 'Company'; city = 'City' }; Segment = 'Newsletter'; SegmentField = 'Segments'
        }
        if ($RemoveMissing) { $definition.RemoveMissing = $true }
        Set-CCExport @definition | Out-Null
    }

    $before = Invoke-RestMethod "$root/__sandbox/state"
    Start-Sleep -Milliseconds 300   # the limiter's bucket full again after the set-up's requests
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $invoke = @{ Name = $Name; Path = $Csv; ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' }
    if ($Force) { $invoke.Force = $true }
    $run = Invoke-CCExport @invoke
    $result.seconds = $clock.Elapsed.TotalSeconds
    $after = Invoke-RestMethod "$root/__sandbox/state"

    $result.state = "$($run.State)"
    $result.message = "$($run.Message)"
    foreach ($count in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'UnchangedCount', 'SubmittedCount',
        'ImportedCount', 'RemovedCount', 'BatchCount', 'RequestCount') {
        $result[$count] = Get-Count $run $count
    }
    $result.sandboxRequests = $after.requests_total - $before.requests_total
    $listId = (Get-CCExport -Name $Name).ListIds[0]
    $result.listMembers = ($after.lists | Where-Object list_id -EQ $listId).membership_count
    $state = Join-Path $ExportHome "exports/$($Name.ToLowerInvariant())/sync.state"
    $result.stateBytes = if (Test-Path $state) { (Get-Item $state).Length } else { 0 }
    Write-Result $result
}
catch {
    $result.error = "$_"
    Write-Result $result
    exit 1
}
