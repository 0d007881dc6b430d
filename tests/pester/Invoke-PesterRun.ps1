<#
.SYNOPSIS
    Runs the Pester suite in this (child) process against the built module and writes the counts as JSON.
    build.ps1 -Task Test starts it with pwsh -NoProfile -NonInteractive, so a test run never locks a DLL in
    the caller and every run starts from a clean session.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [string] $Filter = '*'
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:CCE_TEST_MODULE_PATH = (Resolve-Path $ModulePath).Path

$paths = Get-ChildItem -Path $PSScriptRoot -Filter '*.Tests.ps1' -Recurse |
    Where-Object { $_.Name -like "$Filter.Tests.ps1" -or $_.BaseName -like $Filter } |
    ForEach-Object FullName
if (-not $paths) { throw "No Pester test file matches '$Filter'." }

$config = New-PesterConfiguration
$config.Run.Path = @($paths)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $false
$result = Invoke-Pester -Configuration $config

# The slowest files and the failed tests again at the end, where a CI log's tail shows them.
Write-Host ''
Write-Host 'Slowest test files:'
$result.Containers | Sort-Object Duration -Descending | Select-Object -First 8 | ForEach-Object {
    Write-Host ('  {0,7:n1} s  {1}' -f $_.Duration.TotalSeconds, (Split-Path $_.Item -Leaf))
}
$failedTests = @($result.Failed) + @($result.FailedBlocks) + @($result.FailedContainers)
foreach ($failure in $failedTests) {
    $name = if ($failure.ExpandedPath) { $failure.ExpandedPath } else { [string]$failure.Item }
    Write-Host "FAILED (Pester): $name" -ForegroundColor Red
}

[ordered]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
} | ConvertTo-Json | Set-Content -Path $ResultPath -Encoding utf8
exit ([int]($result.Result -ne 'Passed'))
