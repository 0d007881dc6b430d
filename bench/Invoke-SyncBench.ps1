#Requires -Version 7.4
<#
.SYNOPSIS
    The segment-sync benchmark of issue 13: standing exports run night after night against the sandbox, one table.

.DESCRIPTION
    Makes (or takes from the cache) the sample CSV of -Profiles rows (day 1) and from it day 2: 1% of the contacts
    day 1 sends are gone (their rows, duplicates included, left out), 1% changed (another first name), and 1% new
    rows appended. Then, -Runs rounds, each against a fresh sandbox (4 requests a second, --activity-delay as given)
    and a fresh home, each run in a fresh pwsh (bench/EndToEnd/Measure-SyncRun.ps1):
      plain   (no -RemoveMissing): day 1 (the first run), day 1 again (the second run, same file);
      sync    (-RemoveMissing): day 1 (the first run, which learns contact ids), day 2 (1% new, 1% changed, 1% gone).
    Every run is checked against the counts the files imply. The table gives medians and the issue's targets.
    build.ps1 -Task Bench runs this after the other end-to-end benchmark.

.EXAMPLE
    ./bench/Invoke-SyncBench.ps1 -RepoRoot . -Runs 1

.EXAMPLE
    git worktree add ../cce-presync c537e70~1; dotnet pwsh ../cce-presync/build.ps1 -Task Build
    ./bench/Invoke-SyncBench.ps1 -RepoRoot . -Runs 3 -BaselineModulePath ../cce-presync/out/ConstantContactExport/ConstantContactExport.psd1

    The first run compared with the last commit before the sync state existed, round by round.
.EXAMPLE
    ./bench/Invoke-SyncBench.ps1 -RepoRoot . -Runs 3 -Exports plain -BaselineModulePath ../cce-presync/out/ConstantContactExport/ConstantContactExport.psd1
    The first and second runs only (and the baseline's first), three rounds: the medians of the two targets they set.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RepoRoot,

    [ValidateRange(1000, [int]::MaxValue)]
    [int] $Profiles = 1000000,

    [ValidateRange(1, 20)]
    [int] $Runs = 1,

    [int] $ActivityDelay = 500,

    [int] $Seed = 1,

    [string] $ModulePath,

    # Another build (its ConstantContactExport.psd1), whose first run of day 1 each round also measures, against a
    # sandbox of its own: the "no slower than before sync" target is a ratio to it, in the same sitting.
    [string] $BaselineModulePath,
    # Which exports run: 'plain' alone takes about 25 s a round (the first and second runs), 'sync' about 8 minutes.
    [ValidateSet('plain', 'sync')]
    [string[]] $Exports = @('plain', 'sync')
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
$measure = Join-Path $PSScriptRoot 'EndToEnd/Measure-SyncRun.ps1'
$baselinePath = if ($BaselineModulePath) { (Resolve-Path $BaselineModulePath).ProviderPath } else { $null }
foreach ($built in $modulePath, $sandboxPath) {
    if (-not (Test-Path $built)) { throw "$built is not built: run build.ps1 first (build.ps1 -Task Bench does)." }
}

function New-DayTwoCsv {
    <#
    Day 2 from day 1, line by line (the generator writes the address first and the first name second, unquoted):
    of the rows day 1 sends (a valid person<n>@example.com in the segment, its first time), every 100th is gone
    (with its duplicates), every 100th from the 50th changed, and 1% new rows appended. Returns the counts.
    #>
    param([string] $DayOne, [string] $DayTwo)
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $gone = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::Ordinal)
    $seen = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::Ordinal)
    $sentPattern = [regex]'^person\d+@example\.com$'
    $sendable = {
        param([string] $line)
        $parts = $line.Split(',', 3)
        $parts[0] -cmatch $sentPattern -and $parts[1].Length -le 50 -and ($line.EndsWith('Newsletter"') -or $line.EndsWith('Newsletter,VIP"'))
    }
    # First pass: which addresses go.
    $reader = [System.IO.StreamReader]::new($DayOne, $utf8)
    $index = 0
    try {
        $null = $reader.ReadLine()
        while ($null -ne ($line = $reader.ReadLine())) {
            $email = $line.Substring(0, $line.IndexOf(','))
            if (-not (& $sendable $line) -or -not $seen.Add($email)) { continue }
            if ($index % 100 -eq 0) { $null = $gone.Add($email) }
            $index++
        }
    }
    finally { $reader.Dispose() }
    $sent = $index
    $seen.Clear()

    $reader = [System.IO.StreamReader]::new($DayOne, $utf8)
    $writer = [System.IO.StreamWriter]::new("$DayTwo.partial", $false, $utf8, 65536)
    $writer.NewLine = "`n"
    $index = 0
    $changed = 0
    try {
        $writer.WriteLine($reader.ReadLine())
        while ($null -ne ($line = $reader.ReadLine())) {
            $email = $line.Substring(0, $line.IndexOf(','))
            if ($gone.Contains($email.Trim().ToLowerInvariant())) { continue }
            if ((& $sendable $line) -and $seen.Add($email)) {
                if ($index % 100 -eq 50) {
                    $parts = $line.Split(',', 3)
                    $line = "$($parts[0]),$($parts[1])Q,$($parts[2])"
                    $changed++
                }
                $index++
            }
            $writer.WriteLine($line)
        }
        $new = [int][math]::Ceiling($sent / 100)
        for ($i = 0; $i -lt $new; $i++) {
            $writer.WriteLine("newcomer$i@example.com,Ada,`"Lovelace`",Company $i,Boston,Gold,`"Newsletter`"")
        }
    }
    finally { $reader.Dispose(); $writer.Dispose() }
    Move-Item "$DayTwo.partial" $DayTwo -Force
    [pscustomobject]@{ Sent = $sent; Gone = $gone.Count; Changed = $changed; New = $new }
}

$dayOne = Get-SampleCsv -Count $Profiles -DataFolder $dataFolder -Generator $generator -Seed $Seed
$dayTwoPath = $dayOne.Path -replace '\.csv$', '-day2.csv'
$dayTwoCounts = "$dayTwoPath.json"
$dayOneHash = (Get-FileHash $dayOne.Path -Algorithm SHA256).Hash.Substring(0, 12)
$churn = if ((Test-Path $dayTwoPath) -and (Test-Path $dayTwoCounts) -and ((Get-Content $dayTwoCounts -Raw | ConvertFrom-Json).DayOne -eq $dayOneHash)) {
    Get-Content $dayTwoCounts -Raw | ConvertFrom-Json
}
else {
    Write-Host "Writing day 2 (1% gone, 1% changed, 1% new) to $dayTwoPath" -ForegroundColor DarkGray
    $made = New-DayTwoCsv -DayOne $dayOne.Path -DayTwo $dayTwoPath
    $made | Add-Member -NotePropertyName DayOne -NotePropertyValue $dayOneHash -PassThru | ConvertTo-Json | Set-Content $dayTwoCounts
    $made
}

$steps = @(
    @{ Key = 'plain-first'; Name = 'plain'; Csv = $dayOne.Path; Define = $true; RemoveMissing = $false }
    @{ Key = 'plain-second'; Name = 'plain'; Csv = $dayOne.Path; Define = $false; RemoveMissing = $false }
    @{ Key = 'sync-first'; Name = 'sync'; Csv = $dayOne.Path; Define = $true; RemoveMissing = $true }
    @{ Key = 'sync-day2'; Name = 'sync'; Csv = $dayTwoPath; Define = $false; RemoveMissing = $true; PauseSeconds = 15 }
)
$steps = @($steps | Where-Object { $_.Name -in $Exports })
$results = [System.Collections.Generic.List[object]]::new()
$problems = [System.Collections.Generic.List[string]]::new()
for ($round = 1; $round -le $Runs; $round++) {
    if ($baselinePath) {
        # The baseline's first run, against a fresh sandbox and home of its own, just before this round's.
        $sandbox = Start-Sandbox -SandboxPath $sandboxPath -Arguments @('--activity-delay', "$ActivityDelay")
        $baseHome = Join-Path ([System.IO.Path]::GetTempPath()) "cce-syncbase-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory -Path $baseHome | Out-Null
        if (-not $IsWindows) { chmod 700 $baseHome }
        try {
            Write-Host ("> round {0}/{1}: baseline-first" -f $round, $Runs) -ForegroundColor DarkGray
            $r = Invoke-ChildScript -File $measure -ArgumentList @('-ExportHome', $baseHome, '-ModulePath', $baselinePath, '-Sandbox', $sandbox.Banner, '-Name', 'plain', '-Csv', $dayOne.Path, '-Define')
            $r | Add-Member -NotePropertyName key -NotePropertyValue 'baseline-first'
            $r | Add-Member -NotePropertyName round -NotePropertyValue $round
            $results.Add($r)
            if ($r.state -ne 'Completed') { $problems.Add("round $round, baseline-first: state $($r.state) ($($r.message))") }
        }
        catch { $problems.Add("round $round, baseline-first: $_") }
        finally {
            Stop-Sandbox $sandbox
            Remove-Item $baseHome -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    $sandbox = Start-Sandbox -SandboxPath $sandboxPath -Arguments @('--activity-delay', "$ActivityDelay")
    $exportHome = Join-Path ([System.IO.Path]::GetTempPath()) "cce-syncbench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Path $exportHome | Out-Null
    if (-not $IsWindows) { chmod 700 $exportHome }
    try {
        foreach ($step in $steps) {
            if ($step.ContainsKey('PauseSeconds')) {
                # Nightly runs are a day apart. A run learns the ids of the contacts changed since its first import
                # minus 10 s, so a run seconds after the one before would read that run's contacts too.
                Start-Sleep -Seconds $step.PauseSeconds
            }
            Write-Host ("> round {0}/{1}: {2}" -f $round, $Runs, $step.Key) -ForegroundColor DarkGray
            $childArgs = @('-ExportHome', $exportHome, '-ModulePath', $modulePath, '-Sandbox', $sandbox.Banner, '-Name', $step.Name, '-Csv', $step.Csv)
            if ($step.Define) { $childArgs += '-Define' }
            if ($step.RemoveMissing) { $childArgs += '-RemoveMissing' }
            try { $r = Invoke-ChildScript -File $measure -ArgumentList $childArgs }
            catch { $problems.Add("round $round, $($step.Key): $_"); break }
            $r | Add-Member -NotePropertyName key -NotePropertyValue $step.Key
            $r | Add-Member -NotePropertyName round -NotePropertyValue $round
            $results.Add($r)
            if ($r.state -ne 'Completed') { $problems.Add("round $round, $($step.Key): state $($r.state) ($($r.message))") }
        }
    }
    finally {
        Stop-Sandbox $sandbox
        Remove-Item $exportHome -Recurse -Force -ErrorAction SilentlyContinue
    }
}

$sent = $dayOne.Ledger.SubmittedCount
$expect = @{
    'baseline-first' = @{ SubmittedCount = $sent }
    'plain-first'  = @{ SubmittedCount = $sent; UnchangedCount = 0; RemovedCount = 0 }
    'plain-second' = @{ SubmittedCount = 0; UnchangedCount = $sent; RemovedCount = 0 }
    'sync-first'   = @{ SubmittedCount = $sent; UnchangedCount = 0; RemovedCount = 0 }
    'sync-day2'    = @{ SubmittedCount = $churn.Changed + $churn.New; UnchangedCount = $sent - $churn.Gone - $churn.Changed; RemovedCount = $churn.Gone }
}
foreach ($r in $results) {
    foreach ($count in $expect[$r.key].Keys) {
        $measured = if ($r.PSObject.Properties[$count]) { $r.$count } else { $null }
        if ($null -ne $measured -and $measured -ne $expect[$r.key][$count]) { $problems.Add("round $($r.round), $($r.key): $count $measured, expected $($expect[$r.key][$count])") }
    }
}

$resultFolder = New-Item -ItemType Directory -Path (Join-Path $artifacts 'bench-sync') -Force
$resultFile = Join-Path $resultFolder ("results-{0:yyyyMMdd-HHmmss}.json" -f [DateTime]::UtcNow)
$results | ConvertTo-Json -Depth 6 | Set-Content $resultFile

$labels = [ordered]@{
    'baseline-first' = 'first run, baseline build (-BaselineModulePath)'
    'plain-first'  = 'first run (no -RemoveMissing)'
    'plain-second' = 'second run, same file'
    'sync-first'   = 'first run with -RemoveMissing (learns contact ids)'
    'sync-day2'    = 'day 2: 1% new, 1% changed, 1% gone, -RemoveMissing'
}
$figures = @{}
Write-Host ''
Write-Host ("Segment sync against the sandbox (4 requests/s, --activity-delay {0}), {1:N0} profiles ({2:N0} sent on day 1); day 2: {3:N0} gone, {4:N0} changed, {5:N0} new; medians of {6} rounds." -f
    $ActivityDelay, $Profiles, $sent, $churn.Gone, $churn.Changed, $churn.New, $Runs)
Write-Host ''
Write-Host '| Run | Seconds (median) | Runs (s) | API requests | Imports | Submitted | Unchanged | Removed | Peak (MB) | State (bytes/contact) |'
Write-Host '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
foreach ($key in $labels.Keys) {
    $rows = @($results | Where-Object key -EQ $key)
    if (-not $rows) { continue }
    $f = [pscustomobject]@{
        Seconds  = Get-Median $rows.seconds
        All      = ($rows.seconds | ForEach-Object { $_.ToString('N2') }) -join ', '
        Requests = Get-Median $rows.sandboxRequests
        Imports  = Get-Median $rows.BatchCount
        PeakMB   = Get-Median $rows.peakWorkingSetMB
        PerContact = if ($rows[0].stateBytes -and $rows[0].listMembers) { $rows[0].stateBytes / $rows[0].listMembers } else { [double]::NaN }
    }
    $figures[$key] = $f
    $last = $rows[-1]
    Write-Host ('| {0} | {1:N2} | {2} | {3} | {4} | {5:N0} | {6:N0} | {7} | {8:N0} | {9:N1} |' -f $labels[$key], $f.Seconds, $f.All, $f.Requests, $f.Imports,
        $last.SubmittedCount, $last.UnchangedCount, $(if ($null -ne $last.RemovedCount) { '{0:N0}' -f $last.RemovedCount } else { '' }), $f.PeakMB, $f.PerContact)
}

function Verdict([bool] $Ok) { if ($Ok) { 'yes' } else { 'NO' } }
Write-Host ''
Write-Host '| Target (issue 13) | Measured | Met |'
Write-Host '| --- | --- | :---: |'
if ($f = $figures['plain-second']) {
    Write-Host ('| second run, same file: 0 imports, <= 12 requests, <= 3 s | {0} imports, {1} requests, {2:N2} s | {3} |' -f $f.Imports, $f.Requests, $f.Seconds, (Verdict ($f.Imports -eq 0 -and $f.Requests -le 12 -and $f.Seconds -le 3)))
}
if ($f = $figures['sync-day2']) {
    Write-Host ('| 1% new + 1% changed + 1% gone, -RemoveMissing: imports for the 2% only, <= 120 requests, <= 30 s | {0} imports, {1} requests, {2:N2} s | {3} |' -f $f.Imports, $f.Requests, $f.Seconds, (Verdict ($f.Requests -le 120 -and $f.Seconds -le 30)))
}
if (($f = $figures['plain-first']) -and ($b = $figures['baseline-first'])) {
    # Round by round, each against the baseline run just before it; the median of those ratios.
    $ratios = foreach ($r in @($results | Where-Object key -EQ 'plain-first')) {
        $base = @($results | Where-Object { $_.key -eq 'baseline-first' -and $_.round -eq $r.round })
        if ($base) { $r.seconds / $base[0].seconds }
    }
    $ratio = Get-Median @($ratios)
    Write-Host ('| first run without -RemoveMissing: no slower than the baseline build | {0:N2} s against {1:N2} s, {2:N2}x (median of the rounds'' ratios), {3} requests | {4} |' -f $f.Seconds, $b.Seconds, $ratio, $f.Requests, (Verdict ($ratio -le 1.05)))
}
elseif ($f) {
    Write-Host ('| first run without -RemoveMissing: no slower than before sync (7.3 s on 2026-11-29; -BaselineModulePath compares in the same sitting) | {0:N2} s, {1} requests | {2} |' -f $f.Seconds, $f.Requests, (Verdict ($f.Seconds -le 7.3 * 1.1)))
}
if ($f = $figures['sync-first']) {
    Write-Host ('| first run with -RemoveMissing: learning ids under 2,100 requests | {0} requests, {1:N2} s | {2} |' -f $f.Requests, $f.Seconds, (Verdict ($f.Requests -lt 2100)))
}
$peak = ($figures.Values | ForEach-Object PeakMB | Measure-Object -Maximum).Maximum
$perContact = @($figures.Values | ForEach-Object PerContact | Where-Object { -not [double]::IsNaN($_) } | Measure-Object -Maximum).Maximum
Write-Host ('| sync state <= 40 bytes a contact; peak memory <= 300 MB | {0:N1} bytes a contact; peak {1:N0} MB | {2} |' -f $perContact, $peak, (Verdict ($perContact -le 40 -and $peak -le 300)))

Write-Host ''
Write-Host "Every run: $resultFile"
if ($problems.Count) {
    Write-Host ''
    $problems | ForEach-Object { Write-Host "PROBLEM: $_" -ForegroundColor Red }
    exit 1
}
