<#
.SYNOPSIS
    One timed run of the end-to-end benchmark, in a fresh pwsh; prints one JSON line last.

.DESCRIPTION
    bench/Invoke-EndToEnd.ps1 starts this once a run, in its own process, so that each peak working set is that run's.
    Modes:
      Path          Invoke-CCExport -Name bench -Path <csv>              (the module's fast path)
      Pipeline      Import-Csv <csv> | Invoke-CCExport -Name bench       (pipeline input)
      ImportCsv     Import-Csv <csv> | Out-Null                          (PowerShell's own cost of the same rows)
      Baseline      bench/Baseline/Send-ProfilesByHand.ps1 <csv>         (what an admin writes without the module)
    Before the clock starts (and outside the figures but inside the peak working set): for the module, Import-Module,
    New-CCConnection (device flow, approved by the sandbox at once) and Set-CCExport with the demo's mapping; for the
    baseline, the device flow and POST /contact_lists done by hand with Invoke-RestMethod, without the module. The
    clock stops when the command returns, which is when the run has seen every import activity completed.
    Invalid profiles are silenced (-ErrorAction SilentlyContinue) as the demo does: printed, 5% of a million rows
    would be 50,000 red errors on the console.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [ValidateSet('Path', 'Pipeline', 'ImportCsv', 'Baseline')] [string] $Mode,
    [Parameter(Mandatory)] [string] $Csv,
    [string] $ModulePath,
    # The sandbox's banner (JSON: apiBaseUri, authBaseUri, clientId); not needed for ImportCsv.
    [string] $Sandbox
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
[System.Threading.Thread]::CurrentThread.CurrentCulture = [cultureinfo]::InvariantCulture

function Write-Result([hashtable] $Result) {
    $Result.peakWorkingSetMB = [math]::Round([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
    [System.Console]::Out.WriteLine(($Result | ConvertTo-Json -Compress -Depth 5))
}

function Get-State([string] $Root) { Invoke-RestMethod "$Root/__sandbox/state" }

$result = @{ mode = $Mode }
$home_ = $null
try {
    if ($Mode -eq 'ImportCsv') {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        Import-Csv -Path $Csv | Out-Null
        $result.seconds = $clock.Elapsed.TotalSeconds
        Write-Result $result
        return
    }

    $info = $Sandbox | ConvertFrom-Json
    $root = $info.apiBaseUri -replace '/v3$', ''

    if ($Mode -eq 'Baseline') {
        # The token, by the device flow (the sandbox approves codes at once), and the list: by hand, no module.
        $device = Invoke-RestMethod -Method Post "$($info.authBaseUri)/device/authorize" -Body @{ client_id = $info.clientId; scope = 'contact_data offline_access' }
        $token = Invoke-RestMethod -Method Post "$($info.authBaseUri)/token" -Body @{
            grant_type = 'urn:ietf:params:oauth:grant-type:device_code'; device_code = $device.device_code; client_id = $info.clientId
        }
        $headers = @{ Authorization = "Bearer $($token.access_token)" }
        $list = Invoke-RestMethod -Method Post "$($info.apiBaseUri)/contact_lists" -Headers $headers -ContentType 'application/json' -Body '{"name":"Baseline"}'
        $before = Get-State $root
        $result.prePeakWorkingSetMB = [math]::Round([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
        Start-Sleep -Milliseconds 300   # the limiter's bucket full again after the set-up's requests, as for the module
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $run = & (Join-Path $PSScriptRoot '../Baseline/Send-ProfilesByHand.ps1') -Path $Csv -ApiBaseUri $info.apiBaseUri -AccessToken $token.access_token -ListId $list.list_id
        $result.seconds = $clock.Elapsed.TotalSeconds
        $after = Get-State $root
        $listId = $list.list_id
        $result.runRequests = $run.RequestCount
        $result.state = if ($run.ImportedCount -eq $run.SubmittedCount) { 'Completed' } else { 'Incomplete' }
    }
    else {
        $home_ = Join-Path ([System.IO.Path]::GetTempPath()) "cce-bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory -Path $home_ | Out-Null
        $env:CC_EXPORT_HOME = $home_
        Import-Module $ModulePath
        New-CCConnection -Name bench -ClientId $info.clientId -ApiBaseUri $info.apiBaseUri -AuthBaseUri $info.authBaseUri -AcceptDataPrivacyNotice 6>$null | Out-Null
        $export = Set-CCExport -Name bench -Connection bench -ListName 'Bench' -CreateList -PassThru `
            -EmailField Email -FirstNameField FirstName -LastNameField LastName -Attribute @{ company_name = 'Company'; city = 'City' } `
            -Segment Newsletter -SegmentField Segments
        $listId = $export.ListIds[0]
        $before = Get-State $root
        $result.prePeakWorkingSetMB = [math]::Round([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
        Start-Sleep -Milliseconds 300
        $startedAt = [DateTimeOffset]::UtcNow
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        if ($Mode -eq 'Path') {
            $run = Invoke-CCExport -Name bench -Path $Csv -ErrorAction SilentlyContinue
        }
        else {
            $run = Import-Csv -Path $Csv | Invoke-CCExport -Name bench -ErrorAction SilentlyContinue
        }
        $result.seconds = $clock.Elapsed.TotalSeconds
        $after = Get-State $root

        # Where the time went, from the run's journal.
        $folder = Join-Path $home_ "runs/$($run.RunId)"
        $manifest = Get-Content (Join-Path $folder 'run.json') -Raw | ConvertFrom-Json
        $journal = @(Get-Content (Join-Path $folder 'journal.jsonl') | ConvertFrom-Json)
        $at = { param($e) ([DateTimeOffset]$e.At - $startedAt).TotalSeconds }
        $staged = $journal | Where-Object Type -EQ 'Staged' | Select-Object -First 1
        $firstSending = $journal | Where-Object Type -EQ 'Sending' | Select-Object -First 1
        $lastSubmitted = $journal | Where-Object Type -EQ 'Submitted' | Select-Object -Last 1
        $final = $journal | Where-Object Type -EQ 'State' | Select-Object -Last 1
        $result.timeline = [ordered]@{
            runStarted    = ([DateTimeOffset]$manifest.StartedAt - $startedAt).TotalSeconds
            staged        = & $at $staged
            firstRequest  = if ($firstSending) { & $at $firstSending } else { $null }
            lastSubmitted = if ($lastSubmitted) { & $at $lastSubmitted } else { $null }
            finished      = & $at $final
        }
        $result.runRequests = $run.RequestCount
        $result.state = "$($run.State)"
    }

    $result.profiles = $run.InputCount
    $result.ledger = [ordered]@{
        InputCount = $run.InputCount; OutOfSegmentCount = $run.OutOfSegmentCount; InvalidCount = $run.InvalidCount
        DuplicateCount = $run.DuplicateCount; SubmittedCount = $run.SubmittedCount
    }
    $result.importedCount = $run.ImportedCount
    $result.batches = $run.BatchCount
    $result.sandboxRequests = $after.requests_total - $before.requests_total
    $result.throttled = $after.throttled_responses - $before.throttled_responses
    $result.listMembers = ($after.lists | Where-Object list_id -EQ $listId).membership_count
    Write-Result $result
}
catch {
    $result.error = "$_"
    Write-Result $result
    exit 1
}
finally {
    if ($home_) { Remove-Item $home_ -Recurse -Force -ErrorAction SilentlyContinue }
}
