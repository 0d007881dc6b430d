#Requires -Version 7.4
<#
.SYNOPSIS
    What Invoke-CCExport costs a piped profile, next to what PowerShell itself costs: Import-Csv into Out-Null, into
    a compiled no-op cmdlet, into the floor (a compiled cmdlet with Invoke-CCExport's parameter block that reads the
    mapped properties and nothing else), into ForEach-Object { } and into Invoke-CCExport -WhatIf (staging only), each
    in a fresh pwsh (cold, as a runbook is), rounds interleaved; then the same in turn in one pwsh (warm, as a session
    that runs it again is; the first round warms up and is not counted). Prints the medians and each run.

.DESCRIPTION
    PowerShell drops a trailing "| Out-Null" when it compiles a pipeline, so that baseline binds nothing; the no-op
    cmdlet shows what binding each object to a compiled cmdlet costs, and the floor what binding it to this parameter
    block and reading its properties cost: no staging on the pipeline thread can be cheaper than the floor. The
    export is defined against a sandbox started for the purpose (-WhatIf sends nothing, but the export needs a
    connection). Written for issue #6; the figures are in docs/benchmarks.md.

.EXAMPLE
    ./bench/Measure-PipelineCost.ps1 -RepoRoot . -Profiles 200000 -Runs 3
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RepoRoot,
    [ValidateRange(1, [int]::MaxValue)] [int] $Profiles = 200000,
    [ValidateRange(1, 20)] [int] $Runs = 3,
    # Counted rounds of the warm measurement, in one process after one round to warm up.
    [ValidateRange(1, 20)] [int] $WarmRounds = 5,
    [ValidateSet('Cold', 'Warm', 'Both')] [string] $Measure = 'Both',
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$RepoRoot = (Resolve-Path $RepoRoot).ProviderPath
Import-Module (Join-Path $PSScriptRoot 'BenchSupport.psm1') -Force
Import-Module (Join-Path $RepoRoot 'docs/demo/SandboxProcess.psm1') -Force
$artifacts = if ($env:CCE_ARTIFACTS) { $env:CCE_ARTIFACTS } else { Join-Path $RepoRoot 'artifacts' }
$module = if ($ModulePath) { (Resolve-Path $ModulePath).ProviderPath } else { Join-Path $RepoRoot 'out/ConstantContactExport/ConstantContactExport.psd1' }
$sample = Get-SampleCsv -Count $Profiles -DataFolder (Join-Path $artifacts 'bench-data') -Generator (Join-Path $RepoRoot 'docs/demo/New-SampleProfileCsv.ps1')
$step = Join-Path $PSScriptRoot 'EndToEnd/Measure-PipelineStep.ps1'

$homeDir = Join-Path ([System.IO.Path]::GetTempPath()) "cce-pipeline-cost-$PID"
$savedHome = $env:CC_EXPORT_HOME
$env:CC_EXPORT_HOME = $homeDir
$sandbox = Start-Sandbox -SandboxPath (Join-Path $RepoRoot 'out/sandbox/ConstantContact.Sandbox.dll')
try {
    # Defined in a child, so that this process never loads the module.
    $setup = Join-Path $homeDir 'setup.ps1'
    New-Item -ItemType Directory -Path $homeDir -Force | Out-Null
    Set-Content -Path $setup -Value @"
Import-Module '$module'
`$null = New-CCConnection -Name sandbox -ClientId '$($sandbox.ClientId)' -ApiBaseUri '$($sandbox.ApiBaseUri)' -AuthBaseUri '$($sandbox.AuthBaseUri)' -AcceptDataPrivacyNotice 6>`$null
`$null = Set-CCExport -Name pipeline-cost -Connection sandbox -ListName 'Pipeline cost' -CreateList -EmailField Email -FirstNameField FirstName -LastNameField LastName -Attribute @{ company_name = 'Company'; city = 'City' } -Segment Newsletter -SegmentField Segments
'{}'
"@
    $null = Invoke-ChildScript -File $setup

    $modes = 'OutNull', 'NoOp', 'Floor', 'ForEach', 'StageOnly'
    $results = if ($Measure -ne 'Warm') {
        foreach ($round in 1..$Runs) {
            foreach ($mode in $modes) {
                Write-Host "> round $round/$Runs`: $mode" -ForegroundColor DarkGray
                Invoke-ChildScript -File $step -ArgumentList @('-Mode', $mode, '-Csv', $sample.Path, '-ModulePath', $module)
            }
        }
    }
    $warm = if ($Measure -ne 'Cold') {
        Write-Host "> warm: 1 + $WarmRounds rounds in one pwsh" -ForegroundColor DarkGray
        (Invoke-ChildScript -File $step -ArgumentList @('-Mode', 'Warm', '-Rounds', ($WarmRounds + 1), '-Csv', $sample.Path, '-ModulePath', $module)).rounds
    }
}
finally {
    Stop-Sandbox $sandbox
    $env:CC_EXPORT_HOME = $savedHome
    Remove-Item $homeDir -Recurse -Force -ErrorAction SilentlyContinue
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)]
}

$labels = @{ OutNull = 'Import-Csv | Out-Null'; NoOp = 'Import-Csv | Test-NoOp (compiled, empty ProcessRecord)'; Floor = 'Import-Csv | Test-Floor (Invoke-CCExport''s parameter block, reads the six mapped properties)'; ForEach = 'Import-Csv | ForEach-Object { }'; StageOnly = 'Import-Csv | Invoke-CCExport -WhatIf (staging only)' }
if ($results) {
    "Cold: Import-Csv of $Profiles rows piped into each command, each a fresh pwsh; medians of $Runs."
    ''
    '| Command | Seconds (median) | Runs (s) | Against Out-Null |'
    '| --- | ---: | --- | ---: |'
    $base = $null
    foreach ($mode in $modes) {
        $seconds = @($results | Where-Object mode -EQ $mode | ForEach-Object seconds)
        $median = Get-Median $seconds
        if ($mode -eq 'OutNull') { $base = $median }
        '| {0} | {1:N2} | {2} | {3:N2}x |' -f ($labels[$mode] -replace '\|', '\|'), $median, (($seconds | ForEach-Object { '{0:N2}' -f $_ }) -join ', '), ($median / $base)
    }
    ''
}
if ($warm) {
    # Each round's own ratio as well: on a shared machine the load moves between rounds more than within one.
    "Warm: the same, in turn in one pwsh after a round to warm up; medians of $WarmRounds rounds."
    ''
    '| Command | Seconds (median) | Rounds (s) | Against Out-Null | Each round against its Out-Null (median) |'
    '| --- | ---: | --- | ---: | ---: |'
    $base = Get-Median @($warm | ForEach-Object OutNull)
    foreach ($mode in $modes) {
        $seconds = @($warm | ForEach-Object $mode)
        $median = Get-Median $seconds
        $ratio = Get-Median @($warm | ForEach-Object { $_.$mode / $_.OutNull })
        '| {0} | {1:N2} | {2} | {3:N2}x | {4:N2}x |' -f ($labels[$mode] -replace '\|', '\|'), $median, (($seconds | ForEach-Object { '{0:N2}' -f $_ }) -join ', '), ($median / $base), $ratio
    }

    # Processor time moves less with the load than seconds do; the pipeline thread's alone is what a second thread
    # cannot take over, and GC pauses grow when a busy machine keeps a thread waiting to be stopped.
    $hasThread = $null -ne $warm[0].PSObject.Properties['OutNullThread']
    ''
    "Warm, processor time: medians of the same $WarmRounds rounds; ratios of each round to its Out-Null."
    ''
    '| Command | Process CPU s | Against Out-Null | Pipeline thread CPU s | Against Out-Null | GC pauses s |'
    '| --- | ---: | ---: | ---: | ---: | ---: |'
    foreach ($mode in $modes) {
        $cpu = Get-Median @($warm | ForEach-Object "${mode}Cpu")
        $cpuRatio = Get-Median @($warm | ForEach-Object { $_."${mode}Cpu" / $_.OutNullCpu })
        $thread, $threadRatio = if ($hasThread) {
            '{0:N2}' -f (Get-Median @($warm | ForEach-Object "${mode}Thread"))
            '{0:N2}x' -f (Get-Median @($warm | ForEach-Object { $_."${mode}Thread" / $_.OutNullThread }))
        }
        else { 'n/a', 'n/a' }
        '| {0} | {1:N2} | {2:N2}x | {3} | {4} | {5:N3} |' -f ($labels[$mode] -replace '\|', '\|'), $cpu, $cpuRatio, $thread, $threadRatio, (Get-Median @($warm | ForEach-Object "${mode}GcPause"))
    }
}
