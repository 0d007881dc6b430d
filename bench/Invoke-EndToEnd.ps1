#Requires -Version 7.4
<#
.SYNOPSIS
    The end-to-end benchmark of issue #6: the module and a hand-written baseline against the sandbox, one table.

.DESCRIPTION
    Makes (or takes from the cache) the sample CSVs, then, -Runs rounds of:
      Invoke-CCExport -Path on -Profiles (1,000,000) and on 100,000 profiles;
      Invoke-CCExport -Path, the hand-written baseline (bench/Baseline/Send-ProfilesByHand.ps1),
      Import-Csv | Out-Null and Import-Csv | Invoke-CCExport, each on the same -CompareProfiles (200,000) file.
    Each measurement runs in a fresh pwsh (bench/EndToEnd/Measure-Run.ps1), so its peak working set is its own, and,
    but for Import-Csv | Out-Null, against a fresh sandbox started with its default 4 requests a second and
    --activity-delay 500. The rounds interleave the measurements, so that a busy moment of the (shared) machine
    falls on all of them alike; the table gives medians. Every run is checked: the ledger against the generator's
    counts, every submitted contact imported and a member of the list. Exits 1 when a check fails.

    build.ps1 -Task Bench runs this after the offline benchmarks (bench/Invoke-Benchmarks.ps1).

.EXAMPLE
    ./bench/Invoke-EndToEnd.ps1 -RepoRoot . -Runs 3
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RepoRoot,

    [ValidateRange(1, [int]::MaxValue)]
    [int] $Profiles = 1000000,

    # The size of the memory ratio's base.
    [ValidateRange(1, [int]::MaxValue)]
    [int] $SmallProfiles = 100000,

    # The file the module, the baseline and the pipeline comparison share.
    [ValidateRange(1, [int]::MaxValue)]
    [int] $CompareProfiles = 200000,

    [ValidateRange(1, 20)]
    [int] $Runs = 3,

    [int] $ActivityDelay = 500,

    [int] $Seed = 1,

    # Another build of the module to measure (an older commit's out/ConstantContactExport, for a before/after).
    [string] $ModulePath,

    # Leave out the slowest part (the baseline) or the pipeline comparison, e.g. while iterating.
    [switch] $SkipBaseline,

    [switch] $SkipPipeline
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
[System.Threading.Thread]::CurrentThread.CurrentCulture = [cultureinfo]::InvariantCulture
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$RepoRoot = (Resolve-Path $RepoRoot).ProviderPath
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../docs/demo/SandboxProcess.psm1') -Force
$artifacts = if ($env:CCE_ARTIFACTS) { $env:CCE_ARTIFACTS } else { Join-Path $RepoRoot 'artifacts' }
$dataFolder = Join-Path $artifacts 'bench-data'
$generator = Join-Path $RepoRoot 'docs/demo/New-SampleProfileCsv.ps1'
$modulePath = if ($ModulePath) { (Resolve-Path $ModulePath).ProviderPath } else { Join-Path $RepoRoot 'out/ConstantContactExport/ConstantContactExport.psd1' }
$sandboxPath = Join-Path $RepoRoot 'out/sandbox/ConstantContact.Sandbox.dll'
$measure = Join-Path $PSScriptRoot 'EndToEnd/Measure-Run.ps1'
foreach ($built in $modulePath, $sandboxPath) {
    if (-not (Test-Path $built)) { throw "$built is not built: run build.ps1 first (build.ps1 -Task Bench does)." }
}

$samples = @{}
foreach ($count in @($Profiles, $SmallProfiles, $CompareProfiles) | Sort-Object -Unique) {
    $samples[$count] = Get-SampleCsv -Count $count -DataFolder $dataFolder -Generator $generator -Seed $Seed
}

# One measurement: a label, a mode, a size.
$plan = @(
    @{ Key = 'path-large'; Mode = 'Path'; Count = $Profiles }
    @{ Key = 'path-small'; Mode = 'Path'; Count = $SmallProfiles }
    if ($CompareProfiles -ne $SmallProfiles -and $CompareProfiles -ne $Profiles) { @{ Key = 'path-compare'; Mode = 'Path'; Count = $CompareProfiles } }
    if (-not $SkipBaseline) { @{ Key = 'baseline'; Mode = 'Baseline'; Count = $CompareProfiles } }
    if (-not $SkipPipeline) {
        @{ Key = 'import-csv'; Mode = 'ImportCsv'; Count = $CompareProfiles }
        @{ Key = 'pipeline'; Mode = 'Pipeline'; Count = $CompareProfiles }
    }
)

$sandboxArgs = @('--activity-delay', "$ActivityDelay")
$results = [System.Collections.Generic.List[object]]::new()
$problems = [System.Collections.Generic.List[string]]::new()
for ($round = 1; $round -le $Runs; $round++) {
    foreach ($step in $plan) {
        $sample = $samples[$step.Count]
        Write-Host ("> round {0}/{1}: {2} on {3:N0} profiles" -f $round, $Runs, $step.Mode, $step.Count) -ForegroundColor DarkGray
        $childArgs = @('-Mode', $step.Mode, '-Csv', $sample.Path, '-ModulePath', $modulePath)
        $sandbox = $null
        try {
            if ($step.Mode -ne 'ImportCsv') {
                $sandbox = Start-Sandbox -SandboxPath $sandboxPath -Arguments $sandboxArgs
                $childArgs += @('-Sandbox', $sandbox.Banner)
            }
            $r = Invoke-ChildScript -File $measure -ArgumentList $childArgs
        }
        catch {
            $problems.Add("round $round, $($step.Key): $_")
            continue
        }
        finally {
            Stop-Sandbox $sandbox
        }
        $r | Add-Member -NotePropertyName key -NotePropertyValue $step.Key
        $r | Add-Member -NotePropertyName round -NotePropertyValue $round
        $results.Add($r)

        if ($step.Mode -ne 'ImportCsv') {
            $expected = $sample.Ledger
            foreach ($name in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'SubmittedCount') {
                if ($r.ledger.$name -ne $expected.$name) { $problems.Add("round $round, $($step.Key): $name $($r.ledger.$name), the generator says $($expected.$name)") }
            }
            if ($r.state -ne 'Completed') { $problems.Add("round $round, $($step.Key): state $($r.state)") }
            if ($r.importedCount -ne $expected.SubmittedCount) { $problems.Add("round $round, $($step.Key): $($r.importedCount) imported of $($expected.SubmittedCount)") }
            if ($r.listMembers -ne $expected.SubmittedCount) { $problems.Add("round $round, $($step.Key): the list has $($r.listMembers) members, not $($expected.SubmittedCount)") }
        }
    }
}

$resultFolder = New-Item -ItemType Directory -Path (Join-Path $artifacts 'bench-e2e') -Force
$resultFile = Join-Path $resultFolder ("results-{0:yyyyMMdd-HHmmss}.json" -f [DateTime]::UtcNow)
$results | ConvertTo-Json -Depth 6 | Set-Content $resultFile

function Get-Figures([string] $Key) {
    $rows = @($results | Where-Object key -EQ $Key)
    if ($rows.Count -eq 0) { return $null }
    $stagedValues = @($rows | Where-Object { $_.PSObject.Properties['timeline'] } | ForEach-Object { $_.timeline.staged })
    [pscustomobject]@{
        Rows      = $rows
        Seconds   = Get-Median ($rows.seconds)
        All       = ($rows.seconds | ForEach-Object { $_.ToString('N2') }) -join ', '
        PeakMB    = Get-Median ($rows.peakWorkingSetMB)
        Requests  = Get-Median (@($rows | ForEach-Object { if ($_.PSObject.Properties['sandboxRequests']) { $_.sandboxRequests } }))
        Imported  = if ($rows[0].PSObject.Properties['importedCount']) { $rows[0].importedCount } else { $null }
        Staged    = if ($stagedValues.Count) { Get-Median $stagedValues } else { $null }
    }
}

$labels = [ordered]@{
    'path-large'   = 'Invoke-CCExport -Path'
    'path-small'   = 'Invoke-CCExport -Path'
    'path-compare' = 'Invoke-CCExport -Path'
    'baseline'     = 'hand-written baseline (Invoke-RestMethod)'
    'pipeline'     = 'Import-Csv \| Invoke-CCExport'
    'import-csv'   = 'Import-Csv \| Out-Null'
}
$figures = @{}
foreach ($key in $labels.Keys) { $figures[$key] = Get-Figures $key }

Write-Host ''
Write-Host ("End to end against the sandbox (4 requests/s, --activity-delay {0}); each run a fresh pwsh and a fresh sandbox; medians of {1} rounds." -f $ActivityDelay, $Runs)
Write-Host "Module: $modulePath"
Write-Host 'Seconds: from the command to its return (every import activity completed). Peak: the pwsh process''s peak working set, start-up included.'
Write-Host 'Requests: /v3 requests the sandbox served during the command.'
Write-Host ''
Write-Host '| Command | Profiles | Seconds (median) | Runs (s) | Peak working set (MB) | API requests | Imported |'
Write-Host '| --- | ---: | ---: | --- | ---: | ---: | ---: |'
foreach ($key in $labels.Keys) {
    $f = $figures[$key]
    if (-not $f) { continue }
    $count = $f.Rows[0].PSObject.Properties['profiles'] ? $f.Rows[0].profiles : $null
    if (-not $count) { $count = ($plan | Where-Object Key -EQ $key).Count }
    Write-Host ('| {0} | {1:N0} | {2:N2} | {3} | {4:N0} | {5} | {6} |' -f $labels[$key], $count, $f.Seconds, $f.All, $f.PeakMB,
        $(if ([double]::IsNaN($f.Requests)) { '' } else { $f.Requests }), $(if ($null -ne $f.Imported) { '{0:N0}' -f $f.Imported } else { '' }))
}

$large = $figures['path-large']
Write-Host ''
Write-Host '| Target (issue #6) | Measured | Met |'
Write-Host '| --- | --- | :---: |'
function Verdict([bool] $Ok) { if ($Ok) { 'yes' } else { 'NO' } }
if ($large) {
    $t = $large.Rows | ForEach-Object { $_.timeline }
    Write-Host ('| {0:N0} profiles with -Path in at most 15 s | {1:N2} s (staged at {2:N2} s, last import submitted at {3:N2} s) | {4} |' -f $Profiles, $large.Seconds,
        (Get-Median ($t.staged)), (Get-Median ($t.lastSubmitted)), (Verdict ($large.Seconds -le 15)))
    Write-Host ('| peak working set at most 300 MB | {0:N0} MB | {1} |' -f $large.PeakMB, (Verdict ($large.PeakMB -le 300)))
    Write-Host ('| at most 60 API requests | {0} | {1} |' -f $large.Requests, (Verdict ($large.Requests -le 60)))
}
$small = $figures['path-small']
if ($large -and $small) {
    $ratio = $large.PeakMB / $small.PeakMB
    Write-Host ('| peak at {0:N0} within 20% of peak at {1:N0} | {2:N0} / {3:N0} MB = {4:N2}x | {5} |' -f $Profiles, $SmallProfiles, $large.PeakMB, $small.PeakMB, $ratio, (Verdict ($ratio -le 1.2)))
}
$pipe = $figures['pipeline']
$csvOnly = $figures['import-csv']
if ($pipe -and $csvOnly) {
    $ratio = $pipe.Seconds / $csvOnly.Seconds
    $stagedRatio = $pipe.Staged / $csvOnly.Seconds
    Write-Host ('| Import-Csv \| Invoke-CCExport at most 1.2x Import-Csv \| Out-Null | whole run {0:N2} / {1:N2} s = {2:N2}x; staging alone (until the last profile is staged) {3:N2} s = {4:N2}x | {5} |' -f
        $pipe.Seconds, $csvOnly.Seconds, $ratio, $pipe.Staged, $stagedRatio, (Verdict ($ratio -le 1.2)))
}
$baseline = $figures['baseline']
$compare = if ($CompareProfiles -eq $SmallProfiles) { $small } elseif ($CompareProfiles -eq $Profiles) { $large } else { $figures['path-compare'] }
if ($baseline -and $compare) {
    $ratio = $baseline.Seconds / $compare.Seconds
    Write-Host ('| at least 10x faster than the hand-written baseline ({0:N0} profiles) | {1:N2} / {2:N2} s = {3:N1}x | {4} |' -f $CompareProfiles, $baseline.Seconds, $compare.Seconds, $ratio, (Verdict ($ratio -ge 10)))
}

Write-Host ''
Write-Host "Every run: $resultFile"
if ($problems.Count) {
    Write-Host ''
    $problems | ForEach-Object { Write-Host "PROBLEM: $_" -ForegroundColor Red }
    exit 1
}
