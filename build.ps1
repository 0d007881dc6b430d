#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages, demonstrates and benchmarks ConstantContactExport.

.DESCRIPTION
    The one entry point. Run it with the PowerShell that the repository's tool manifest installs:

        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Test

    Build    out/ConstantContactExport/ (the module folder) and out/sandbox/ (ConstantContact.Sandbox).
    Test     Build, then every xunit project (on a thread, one after the other) while Pester runs against the
             built module in -PesterJobs child pwsh processes side by side (2; files dealt by the times in
             tests/pester/FileDurations.psd1). Prints every Pester file's time, the counts and every failed test,
             and fails when any test fails. No test decides on wall-clock time: timing checks
             (xunit [SpeedFact], Pester -Tag Speed) are skipped, and counted skipped, unless CCE_SPEED_TESTS=1.
    Package  out/ConstantContactExport.<version>.nupkg through Publish-PSResource to a local repository.
    Soak     Build, then the reliability suites at soak size (CCE_SOAK=1): the fault run on two random seeds with
             smaller batches, 16 crash trials with random seeds, 20 pipeline-object fuzz runs, ten times the
             engine's bad-input property cases. About 10 minutes; CCE_SOAK_SEED repeats a run. See docs/reliability.md.
    Demo     The main job, end to end on generated sample profiles.
    Bench    The benchmarks in bench/: the offline pipeline and BenchmarkDotNet (Invoke-Benchmarks.ps1), then the
             module and a hand-written baseline end to end against the sandbox (Invoke-EndToEnd.ps1, about 4
             minutes), then a piped profile's cost next to PowerShell's own (Measure-PipelineCost.ps1, about 40
             seconds), then standing exports run after run (Invoke-SyncBench.ps1: incremental, removal, the sync
             state); figures go to docs/benchmarks.md by hand, with date and machine.

.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test -PesterFilter 'Test-CCEmailAddress'
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Soak', 'Package', 'Demo', 'Bench')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Runs only the Pester files whose name matches (a wildcard); xunit still runs unless -SkipXunit.
    [string] $PesterFilter = '*',

    [switch] $SkipXunit,

    [switch] $SkipPester,

    # Test: how many child pwsh processes run the Pester files side by side (1: all in one, one after the other).
    [ValidateRange(1, 8)]
    [int] $PesterJobs = 2,

    # Bench: number of profiles for the pipeline benchmark and the large end-to-end run.
    [int] $BenchProfiles = 1000000
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# Failed tests (xunit and Pester), named again after the totals.
$script:FailedTestNames = @()

$RepoRoot = $PSScriptRoot
$OutPath = Join-Path $RepoRoot 'out'
$ModuleOut = Join-Path $OutPath 'ConstantContactExport'
$SandboxOut = Join-Path $OutPath 'sandbox'
$ArtifactsPath = if ($env:CCE_ARTIFACTS) { $env:CCE_ARTIFACTS } else { Join-Path $RepoRoot 'artifacts' }
$Manifest = Import-PowerShellDataFile (Join-Path $RepoRoot 'ConstantContactExport.psd1')
$ModuleVersion = $Manifest.ModuleVersion

function Invoke-Native {
    # Runs a native command, streams its output, and throws when it fails.
    param([string] $FilePath, [string[]] $ArgumentList)
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Get-PwshCommand {
    # The pwsh running this script, as a command line: 'dotnet <pwsh.dll>' for the local tool, else pwsh itself.
    $process = [Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, [System.Reflection.Assembly]::GetEntryAssembly().Location)
    }
    return @($process)
}

function Get-NuGetPackagePath {
    param([string] $Id, [string] $Version)
    $root = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $path = Join-Path $root "$($Id.ToLowerInvariant())/$Version"
    if (-not (Test-Path $path)) {
        Invoke-Native dotnet @('restore', (Join-Path $RepoRoot 'tests/tools/tools.csproj'), '--nologo', '-v', 'q')
    }
    if (-not (Test-Path $path)) { throw "NuGet package $Id $Version was not restored to $path." }
    return $path
}

function Invoke-Build {
    $publish = Join-Path $ArtifactsPath 'module-publish'
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $RepoRoot 'src/ConstantContactExport/ConstantContactExport.csproj'),
        '-c', $Configuration, '-o', (Join-Path $publish 'bin'), '--nologo', '-v', 'q', '-clp:ErrorsOnly')
    Invoke-Native dotnet @('publish', (Join-Path $RepoRoot 'src/ConstantContactExport.Loader/ConstantContactExport.Loader.csproj'),
        '-c', $Configuration, '-o', (Join-Path $publish 'loader'), '--nologo', '-v', 'q', '-clp:ErrorsOnly')

    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $bin = New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'bin') -Force
    $loader = New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'loader') -Force
    # Assemblies only: deps.json files mean nothing to PowerShell, and the XML docs are for the IDE.
    Get-ChildItem (Join-Path $publish 'bin') -File |
        Where-Object { $_.Extension -in '.dll', '.pdb' } |
        Copy-Item -Destination $bin
    Copy-Item (Join-Path $publish 'loader/ConstantContactExport.Loader.dll') -Destination $loader
    # Precompiled (ReadyToRun) copies for the project's .NET and each of its RuntimeIdentifiers, in
    # bin/<tfm>/<rid>/: PowerShell 7 on that .NET and platform loads them instead of bin/'s (ModuleLoadContext).
    $readyToRun = Join-Path $RepoRoot 'src/ConstantContactExport.ReadyToRun/ConstantContactExport.ReadyToRun.csproj'
    $readyToRunProps = ([xml](Get-Content $readyToRun -Raw)).Project.PropertyGroup
    foreach ($rid in $readyToRunProps.RuntimeIdentifiers.Split(';')) {
        $ridPublish = Join-Path $publish "r2r-$rid"
        Invoke-Native dotnet @('publish', $readyToRun, '-c', $Configuration, '-r', $rid, '-o', $ridPublish, '--nologo', '-v', 'q', '-clp:ErrorsOnly')
        $ridBin = New-Item -ItemType Directory -Path (Join-Path $bin "$($readyToRunProps.TargetFramework)/$rid") -Force
        Get-ChildItem $ridPublish -File |
            Where-Object { $_.Extension -eq '.dll' -or $_.Name -like 'ConstantContactExport*.pdb' } |
            Where-Object { $_.BaseName -notin 'ConstantContactExport.ReadyToRun', 'System.Management.Automation' } |
            Copy-Item -Destination $ridBin
    }
    Copy-Item (Join-Path $RepoRoot 'ConstantContactExport.psd1') -Destination $ModuleOut
    Copy-Item (Join-Path $RepoRoot 'src/ConstantContactExport/Module/*') -Destination $ModuleOut -Recurse
    Copy-Item (Join-Path $RepoRoot 'LICENSE') -Destination $ModuleOut
    Invoke-HelpBuild

    $sandboxProject = Join-Path $RepoRoot 'src/ConstantContact.Sandbox/ConstantContact.Sandbox.csproj'
    if (Test-Path $sandboxProject) {
        if (Test-Path $SandboxOut) { Remove-Item $SandboxOut -Recurse -Force }
        Invoke-Native dotnet @('publish', $sandboxProject, '-c', $Configuration, '-o', $SandboxOut, '--nologo', '-v', 'q', '-clp:ErrorsOnly')
    }
    Write-Host "Built $ModuleOut (version $ModuleVersion)." -ForegroundColor Green
}

function Invoke-HelpBuild {
    # Offline help from docs/en-US, checked against the built cmdlets. A fresh pwsh loads the assembly, so this
    # process never holds it; the generator fails the build when a cmdlet or parameter has no description.
    $pwsh = Get-PwshCommand
    $helpArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $RepoRoot 'src/Help/New-MamlHelp.ps1'),
        '-ModuleFolder', $ModuleOut, '-DocsPath', (Join-Path $RepoRoot 'docs'))
    & $pwsh[0] @helpArgs | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "The help was not generated (exit code $LASTEXITCODE); see the problems above." }
}

function Start-XunitTests {
    # Starts every xunit project, one after the other, on a thread of this process, so that they build and run
    # while Pester runs; Receive-XunitTests prints their output and counts. -Filter: a dotnet test --filter
    # expression, run in every project that has matching tests.
    param([string] $Filter)
    $projects = @(Get-ChildItem (Join-Path $RepoRoot 'tests') -Filter '*.Tests.csproj' -Recurse | ForEach-Object FullName)
    $filterArgs = if ($Filter) { @('--filter', $Filter) } else { @() }
    Start-ThreadJob -Name xunit -ArgumentList $projects, $Configuration, $filterArgs -ScriptBlock {
        param([string[]] $Projects, [string] $Configuration, [string[]] $FilterArgs)
        foreach ($project in $Projects) {
            $output = @(& dotnet test $project -c $Configuration --nologo @FilterArgs 2>&1 | ForEach-Object { "$_" })
            [pscustomobject]@{ Project = $project; Output = $output; Exit = $LASTEXITCODE }
        }
    }
}

function Receive-XunitTests {
    # Waits for Start-XunitTests' projects, prints their output and returns the counts.
    param([Parameter(Mandatory)] $Job, [string] $Filter)
    $totals = @{ Passed = 0; Failed = 0; Skipped = 0 }
    $runs = @($Job | Wait-Job | Receive-Job -ErrorAction Continue)
    if ($Job.State -ne 'Completed' -or -not $runs) {
        Write-Host "The xunit projects did not run to their end ($($Job.State))." -ForegroundColor Red
        $script:FailedTestNames += "(xunit): the projects did not run to their end ($($Job.State))"
        $totals.Failed++
    }
    Remove-Job $Job -Force
    foreach ($run in $runs) {
        $name = [System.IO.Path]::GetFileNameWithoutExtension($run.Project)
        Write-Host "== xunit: $name" -ForegroundColor Cyan
        $output = $run.Output
        $output | Out-Host
        if ($Filter -and ($output -match 'No test matches the given testcase filter')) { continue }
        $summary = $output | Select-String -Pattern 'Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)' | Select-Object -Last 1
        if (-not $summary) {
            Write-Host "No test summary from $name (exit code $($run.Exit))." -ForegroundColor Red
            $script:FailedTestNames += "(xunit): $name (no test summary, exit code $($run.Exit))"
            $totals.Failed++
            continue
        }
        # The failed tests' names, repeated after the totals, where a CI log's tail shows them.
        $script:FailedTestNames += @($output | Select-String -Pattern '^\s*Failed (\S+) \[' | ForEach-Object { "(xunit): ${name}: $($_.Matches[0].Groups[1].Value)" })
        $totals.Failed += [int]$summary.Matches[0].Groups[1].Value
        $totals.Passed += [int]$summary.Matches[0].Groups[2].Value
        $totals.Skipped += [int]$summary.Matches[0].Groups[3].Value
        if ($run.Exit -ne 0 -and [int]$summary.Matches[0].Groups[1].Value -eq 0) {
            $script:FailedTestNames += "(xunit): $name (exit code $($run.Exit))"
            $totals.Failed++
        }
    }
    return $totals
}

function Invoke-XunitTests {
    param([string] $Filter)
    Receive-XunitTests -Job (Start-XunitTests -Filter $Filter) -Filter $Filter
}

function Split-PesterFiles {
    # The Pester files matching -Filter, dealt into -Count shares of about equal time: longest first, each to the
    # share with the least so far, by the times in tests/pester/FileDurations.psd1 (unknown files count 30 s).
    param([string] $Filter, [int] $Count)
    $durations = Import-PowerShellDataFile (Join-Path $RepoRoot 'tests/pester/FileDurations.psd1')
    $names = @(Get-ChildItem (Join-Path $RepoRoot 'tests/pester') -Filter '*.Tests.ps1' -Recurse |
        Where-Object { $_.Name -like "$Filter.Tests.ps1" -or $_.BaseName -like $Filter } |
        ForEach-Object { $_.Name -replace '\.Tests\.ps1$', '' })
    $shares = @(for ($i = 0; $i -lt [math]::Max(1, [math]::Min($Count, $names.Count)); $i++) { [pscustomobject]@{ Names = [System.Collections.Generic.List[string]]::new(); Seconds = 0 } })
    $timed = $names | ForEach-Object { [pscustomobject]@{ Name = $_; Seconds = $(if ($durations.ContainsKey($_)) { $durations[$_] } else { 30 }) } }
    foreach ($file in $timed | Sort-Object Seconds, Name -Descending) {
        $share = $shares | Sort-Object Seconds | Select-Object -First 1
        $share.Names.Add($file.Name)
        $share.Seconds += $file.Seconds
    }
    , $shares
}

function Invoke-PesterTests {
    # Pester against the built module in -PesterJobs child pwsh processes side by side (each on its share of
    # the files; every file makes its own CC_EXPORT_HOME, sandboxes on free ports and GUID-named temporary files).
    # The first runner's output streams; the others' is printed when the first is done.
    param([string] $Filter = $PesterFilter, [int] $Jobs = $PesterJobs)
    $pester = Join-Path (Get-NuGetPackagePath -Id 'Pester' -Version '5.7.1') 'tools/Pester.psd1'
    New-Item -ItemType Directory -Path $ArtifactsPath -Force | Out-Null
    $runner = Join-Path $RepoRoot 'tests/pester/Invoke-PesterRun.ps1'
    $pwsh = Get-PwshCommand
    $shares = Split-PesterFiles -Filter $Filter -Count $Jobs
    $runs = for ($i = 0; $i -lt $shares.Count; $i++) {
        $resultFile = Join-Path $ArtifactsPath "pester-result-$($i + 1).json"
        # A stale result would pass for this run's when a runner fails before writing one.
        Remove-Item $resultFile -ErrorAction SilentlyContinue
        # '-Filter:<value>' as one argument: PowerShell on Unix expands a native argument that matches file names,
        # so a bare '*' reached the child as the names of the repository's files.
        $names = if ($shares.Count -eq 1 -and $shares[0].Names.Count -eq 0) { $Filter } else { $shares[$i].Names -join ',' }
        [pscustomobject]@{
            Number = $i + 1; Names = $names; Seconds = $shares[$i].Seconds; ResultFile = $resultFile
            LogFile = Join-Path $ArtifactsPath "pester-output-$($i + 1).log"
            Arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $runner,
                '-PesterPath', $pester, '-ModulePath', (Join-Path $ModuleOut 'ConstantContactExport.psd1'), "-Filter:$names", '-ResultPath', $resultFile)
        }
    }
    foreach ($run in $runs) { Write-Host "== Pester runner $($run.Number) of $($runs.Count) (about $($run.Seconds) s by FileDurations.psd1): $($run.Names)" -ForegroundColor Cyan }
    $background = foreach ($run in $runs | Select-Object -Skip 1) {
        Start-ThreadJob -Name "pester-$($run.Number)" -ArgumentList $pwsh[0], $run.Arguments, $run.LogFile -ScriptBlock {
            param([string] $Exe, [string[]] $Arguments, [string] $Log)
            & $Exe @Arguments *> $Log
            $LASTEXITCODE
        }
    }
    # To the host: left in the output stream, the child's lines would become part of this function's result.
    & $pwsh[0] @($runs[0].Arguments) | Out-Host
    $exits = @($LASTEXITCODE)
    foreach ($job in $background) {
        $exits += [int]($job | Wait-Job | Receive-Job -ErrorAction Continue | Select-Object -Last 1)
        Remove-Job $job -Force
    }
    foreach ($run in $runs | Select-Object -Skip 1) {
        Write-Host "== Pester runner $($run.Number) of $($runs.Count): $($run.Names)" -ForegroundColor Cyan
        Get-Content $run.LogFile -ErrorAction SilentlyContinue | Out-Host
    }

    $totals = @{ Passed = 0; Failed = 0; Skipped = 0 }
    $files = @()
    foreach ($run in $runs) {
        $exit = $exits[$run.Number - 1]
        if (-not (Test-Path $run.ResultFile)) {
            Write-Host "Pester runner $($run.Number) wrote no result (exit code $exit)." -ForegroundColor Red
            $script:FailedTestNames += "(Pester): runner $($run.Number) ($($run.Names)) wrote no result, exit code $exit"
            $totals.Failed++
            continue
        }
        $result = Get-Content $run.ResultFile -Raw | ConvertFrom-Json
        $failed = [int]$result.Failed
        $script:FailedTestNames += @($result.FailedNames | ForEach-Object { "(Pester): $_" })
        if ($exit -ne 0 -and $failed -eq 0) {
            $script:FailedTestNames += "(Pester): runner $($run.Number) ($($run.Names)) ended with exit code $exit"
            $failed = 1
        }
        $totals.Passed += [int]$result.Passed
        $totals.Failed += $failed
        $totals.Skipped += [int]$result.Skipped
        $files += @($result.Files)
    }
    if ($runs.Count -gt 1) {
        # Every file's time, both runners together: what tests/pester/FileDurations.psd1 is kept from.
        Write-Host ''
        Write-Host 'Pester test files, slowest first (all runners):'
        foreach ($file in $files | Sort-Object { [double]$_.Seconds } -Descending) { Write-Host ('  {0,7:n1} s  {1}' -f [double]$file.Seconds, $file.File) }
    }
    return $totals
}

function Invoke-Test {
    Invoke-Build
    $parts = @()
    # xunit builds and runs on a thread while Pester runs; its output is printed after Pester's.
    $xunit = if (-not $SkipXunit) { Start-XunitTests }
    $pester = if (-not $SkipPester) { Invoke-PesterTests }
    if ($xunit) { $parts += , @('xunit', (Receive-XunitTests -Job $xunit)) }
    if ($pester) { $parts += , @('Pester', $pester) }
    Write-TestTotals $parts
}

function Invoke-Soak {
    # The reliability suites at soak size; the figures go to docs/reliability.md by hand.
    Invoke-Build
    $env:CCE_SOAK = '1'
    # One seed for the whole soak (the suites derive theirs from it), printed so that a failure can be repeated.
    $ownSeed = -not $env:CCE_SOAK_SEED
    if ($ownSeed) { $env:CCE_SOAK_SEED = [string](Get-Random -Minimum 1 -Maximum 1000000) }
    Write-Host "Soak seed: $env:CCE_SOAK_SEED (set CCE_SOAK_SEED to repeat it)" -ForegroundColor Cyan
    try {
        $parts = @()
        if (-not $SkipXunit) { $parts += , @('xunit', (Invoke-XunitTests -Filter 'FullyQualifiedName~BadInputTests|FullyQualifiedName~RunJournalTests')) }
        if (-not $SkipPester) {
            foreach ($suite in 'Faults', 'Crash', 'BadInput') { $parts += , @("Pester $suite", (Invoke-PesterTests -Filter $suite)) }
        }
        Write-TestTotals $parts
    }
    finally {
        Remove-Item Env:CCE_SOAK -ErrorAction SilentlyContinue
        if ($ownSeed) { Remove-Item Env:CCE_SOAK_SEED -ErrorAction SilentlyContinue }
    }
}

function Write-TestTotals {
    param([object[]] $Parts)
    $sum = @{ Passed = 0; Failed = 0; Skipped = 0 }
    $parts = $Parts
    Write-Host ''
    foreach ($part in $parts) {
        $counts = $part[1]
        Write-Host ('{0,-7} {1} passed, {2} failed, {3} skipped' -f $part[0], $counts.Passed, $counts.Failed, $counts.Skipped)
        foreach ($key in 'Passed', 'Failed', 'Skipped') { $sum[$key] += $counts[$key] }
    }
    foreach ($name in $script:FailedTestNames) { Write-Host "FAILED $name" -ForegroundColor Red }
    # The closing line, in the plain form CI reads.
    Write-Host ("Total: {0} passed, {1} failed, {2} skipped" -f $sum.Passed, $sum.Failed, $sum.Skipped)
    if ($sum.Failed -gt 0 -or $sum.Passed -eq 0) { exit 1 }
}

function Invoke-Package {
    Invoke-Build
    $repoPath = Join-Path $OutPath 'repository'
    if (Test-Path $repoPath) { Remove-Item $repoPath -Recurse -Force }
    New-Item -ItemType Directory -Path $repoPath | Out-Null
    $repoName = "ConstantContactExport-build-$PID"
    Register-PSResourceRepository -Name $repoName -Uri $repoPath -Trusted
    try {
        Publish-PSResource -Path $ModuleOut -Repository $repoName
    }
    finally {
        Unregister-PSResourceRepository -Name $repoName
    }
    $package = Get-ChildItem $repoPath -Filter '*.nupkg' | Select-Object -First 1
    $target = Join-Path $OutPath $package.Name
    Move-Item $package.FullName $target -Force
    Write-Host "Packaged $target" -ForegroundColor Green
}

function Invoke-Demo {
    Invoke-Build
    $pwsh = Get-PwshCommand
    $demoArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', (Join-Path $RepoRoot 'docs/demo/Start-Demo.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'ConstantContactExport.psd1'))
    & $pwsh[0] @demoArgs
    if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE." }
}

function Invoke-Bench {
    Invoke-Build
    $pwsh = Get-PwshCommand
    $benchArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', (Join-Path $RepoRoot 'bench/Invoke-Benchmarks.ps1'),
        '-RepoRoot', $RepoRoot, '-Profiles', $BenchProfiles)
    & $pwsh[0] @benchArgs
    if ($LASTEXITCODE -ne 0) { throw "The benchmarks failed with exit code $LASTEXITCODE." }
    # Then the module end to end against the sandbox, beside the hand-written baseline (issue #6).
    $endToEndArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', (Join-Path $RepoRoot 'bench/Invoke-EndToEnd.ps1'),
        '-RepoRoot', $RepoRoot, '-Profiles', $BenchProfiles)
    & $pwsh[0] @endToEndArgs
    if ($LASTEXITCODE -ne 0) { throw "The end-to-end benchmark failed with exit code $LASTEXITCODE." }
    # And what a piped profile costs next to PowerShell's own per-object cost, cold.
    $pipelineArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', (Join-Path $RepoRoot 'bench/Measure-PipelineCost.ps1'),
        '-RepoRoot', $RepoRoot)
    & $pwsh[0] @pipelineArgs
    if ($LASTEXITCODE -ne 0) { throw "The pipeline cost benchmark failed with exit code $LASTEXITCODE." }
    # And standing exports night after night: incremental runs, removal, the sync state (issue 13).
    $syncArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', (Join-Path $RepoRoot 'bench/Invoke-SyncBench.ps1'),
        '-RepoRoot', $RepoRoot, '-Profiles', $BenchProfiles)
    & $pwsh[0] @syncArgs
    if ($LASTEXITCODE -ne 0) { throw "The sync benchmark failed with exit code $LASTEXITCODE." }
}

Push-Location $RepoRoot
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Soak' { Invoke-Soak }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
    }
}
finally {
    Pop-Location
}
