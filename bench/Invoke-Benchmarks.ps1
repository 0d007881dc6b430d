#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the benchmarks: the offline pipeline on 100,000 and -Profiles sample profiles, then the micro-benchmarks.

.DESCRIPTION
    Builds bench/ConstantContactExport.Benchmarks (Release), makes the sample CSVs with
    docs/demo/New-SampleProfileCsv.ps1 (kept under <artifacts>/bench-data/, keyed by size, seed and the generator's
    hash, so a second run does not write them again), stages each through the engine in a fresh process (median of
    -Runs timings, the process's peak working set, the ledger checked against the generator's counts), and prints
    one Markdown table and the ratio of the peak working sets. Then the BenchmarkDotNet summary, unless -SkipBdn.

    Nothing here waits for input or touches the network: the micro-benchmarks run in-process (no generated project to
    restore), and the dotnet CLI's telemetry is off. Exits 1 when a ledger is wrong or a benchmark fails.
    build.ps1 -Task Bench runs this after building the module.

.EXAMPLE
    ./bench/Invoke-Benchmarks.ps1 -RepoRoot . -Profiles 1000000 -SkipBdn
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RepoRoot,

    # The large pipeline run; 100,000 is always run beside it, as the base of the memory ratio.
    [ValidateRange(1, [int]::MaxValue)]
    [int] $Profiles = 1000000,

    [int] $Seed = 1,

    # Timings per size; the table shows their median.
    [ValidateRange(1, 20)]
    [int] $Runs = 3,

    # Also time the pipeline's steps one by one on the largest file (read, segment, validate, map, dedupe, batch).
    [switch] $Breakdown,

    [switch] $SkipBdn,

    # A BenchmarkDotNet filter, such as '*Csv*'. Passed as '--filter=<value>': PowerShell on Unix would expand a bare '*'.
    [string] $BdnFilter = '*'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
[System.Threading.Thread]::CurrentThread.CurrentCulture = [cultureinfo]::InvariantCulture
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$RepoRoot = (Resolve-Path $RepoRoot).ProviderPath
$artifacts = if ($env:CCE_ARTIFACTS) { $env:CCE_ARTIFACTS } else { Join-Path $RepoRoot 'artifacts' }
$dataFolder = Join-Path $artifacts 'bench-data'
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
$generator = Join-Path $RepoRoot 'docs/demo/New-SampleProfileCsv.ps1'
$project = Join-Path $RepoRoot 'bench/ConstantContactExport.Benchmarks/ConstantContactExport.Benchmarks.csproj'

Write-Host "> dotnet build $project -c Release" -ForegroundColor DarkGray
& dotnet build $project -c Release --nologo -v q -clp:ErrorsOnly
if ($LASTEXITCODE -ne 0) { throw "Building the benchmarks failed with exit code $LASTEXITCODE." }
# Asked apart from the build: with -getProperty the SDK only evaluates the project and builds nothing.
$benchDll = & dotnet msbuild $project -p:Configuration=Release -nologo -getProperty:TargetPath
if ($LASTEXITCODE -ne 0) { throw "Reading the benchmarks' TargetPath failed with exit code $LASTEXITCODE." }
$benchDll = ($benchDll | Select-Object -Last 1).Trim()

$failed = $false
$results = foreach ($size in @(100000, $Profiles) | Sort-Object -Unique) {
    $sample = Get-SampleCsv -Count $size -DataFolder $dataFolder -Generator $generator -Seed $Seed
    $benchArgs = @('pipeline', '--csv', $sample.Path, '--runs', $Runs, '--expect-json', $sample.Counts)
    if ($Breakdown -and $size -eq $Profiles) { $benchArgs += '--breakdown' }
    Write-Host "> dotnet $(Split-Path $benchDll -Leaf) $($benchArgs -join ' ')" -ForegroundColor DarkGray
    # One process per size, so that each peak working set is that size's own.
    $line = & dotnet $benchDll @benchArgs
    $exit = $LASTEXITCODE
    $result = $line | Select-Object -Last 1 | ConvertFrom-Json
    if ($exit -ne 0) {
        $failed = $true
        Write-Host "The pipeline benchmark on $size profiles failed (exit code $exit): $($result.problems -join '; ')" -ForegroundColor Red
    }
    $result
}

Write-Host ''
Write-Host "Offline pipeline: read + segment + validate + map + dedupe + batch files + reject report; median of $Runs runs, one process per size."
Write-Host 'The first run of a process is the cold one (JIT, tiering); a module that stages once a session sees that figure.'
Write-Host ''
Write-Host '| Profiles | Seconds | Profiles/s | First run (s) | Peak working set (MB) | Allocated (B/profile) | Batches | Ledger OK |'
Write-Host '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |'
foreach ($r in $results) {
    Write-Host ('| {0:N0} | {1:N2} | {2:N0} | {3:N2} | {4:N1} | {5:N0} | {6} | {7} |' -f $r.profiles, $r.seconds, $r.profilesPerSecond,
        $r.runSeconds[0], $r.peakWorkingSetMB, $r.allocatedBytesPerProfile, $r.batches, $(if ($r.ledgerOk) { 'yes' } else { 'NO' }))
}

if (@($results).Count -ge 2) {
    $small = $results | Where-Object profiles -EQ 100000
    $large = $results | Sort-Object profiles | Select-Object -Last 1
    $ratio = $large.peakWorkingSetMB / $small.peakWorkingSetMB
    Write-Host ''
    Write-Host ('Peak working set, {0:N0} vs 100,000 profiles: {1:N2}x ({2}; the aim is at most 1.20x).' -f $large.profiles, $ratio,
        $(if ($ratio -le 1.2) { 'flat' } else { 'not flat' }))
}

$withBreakdown = @($results | Where-Object { $_.PSObject.Properties['breakdown'] })
foreach ($r in $withBreakdown) {
    Write-Host ''
    Write-Host ('Where the time goes, {0:N0} profiles (each pass adds one step; median of {1}):' -f $r.profiles, $Runs)
    Write-Host ''
    Write-Host '| Pass | Seconds | Step adds (s) | Allocated (B/profile) |'
    Write-Host '| --- | ---: | ---: | ---: |'
    foreach ($s in $r.breakdown) {
        Write-Host ('| {0} | {1:N2} | {2:N2} | {3:N0} |' -f $s.Step, $s.Seconds, $s.AddedSeconds, $s.AllocatedBytesPerProfile)
    }
    Write-Host ('| full staging (files, rejects) | {0:N2} | {1:N2} | {2:N0} |' -f $r.seconds, ($r.seconds - $r.breakdown[-1].Seconds), $r.allocatedBytesPerProfile)
}

if (-not $SkipBdn) {
    $bdnResults = Join-Path $artifacts 'bench-bdn/results'
    if (Test-Path $bdnResults) { Remove-Item $bdnResults -Recurse -Force }
    $log = Join-Path $artifacts 'bench-bdn/console.log'
    New-Item -ItemType Directory -Path (Split-Path $log) -Force | Out-Null
    Write-Host ''
    Write-Host "> dotnet $(Split-Path $benchDll -Leaf) bdn $BdnFilter (console output in $log)" -ForegroundColor DarkGray
    & dotnet $benchDll bdn "--filter=$BdnFilter" *> $log
    if ($LASTEXITCODE -ne 0) {
        $failed = $true
        Write-Host "BenchmarkDotNet failed (exit code $LASTEXITCODE); see $log." -ForegroundColor Red
    }
    Write-Host ''
    Get-ChildItem $bdnResults -Filter '*-report-github.md' -ErrorAction SilentlyContinue | ForEach-Object { Get-Content $_.FullName | Write-Host }
}

if ($failed) { exit 1 }
