<#
.SYNOPSIS
    Runs the Pester suite in this (child) process against the built module and writes the counts as JSON.
    build.ps1 -Task Test starts it with pwsh -NoProfile -NonInteractive, so a test run never locks a DLL in
    the caller and every run starts from a clean session. build.ps1 runs two of them side by side, each on its
    share of the files (-Filter with their names, comma-separated).
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Wildcards on the file names without .Tests.ps1, comma-separated: a native argument is one string.
    [string] $Filter = '*'
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:CCE_TEST_MODULE_PATH = (Resolve-Path $ModulePath).Path

$patterns = $Filter -split ','
$paths = Get-ChildItem -Path $PSScriptRoot -Filter '*.Tests.ps1' -Recurse |
    Where-Object { $file = $_; $patterns | Where-Object { $file.Name -like "$_.Tests.ps1" -or $file.BaseName -like $_ } } |
    ForEach-Object FullName
if (-not $paths) { throw "No Pester test file matches '$Filter'." }

$config = New-PesterConfiguration
$config.Run.Path = @($paths)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $false
$result = Invoke-Pester -Configuration $config

# Every file's time and the failed tests again at the end, where a CI log's tail shows them; the result file
# carries both, for build.ps1's summary of all the runners.
$files = @($result.Containers | Sort-Object Duration -Descending | ForEach-Object {
    [ordered]@{ File = (Split-Path $_.Item -Leaf); Seconds = [math]::Round($_.Duration.TotalSeconds, 1) }
})
Write-Host ''
Write-Host 'Test files, slowest first:'
foreach ($file in $files) { Write-Host ('  {0,7:n1} s  {1}' -f $file.Seconds, $file.File) }
$failedNames = @(@($result.Failed) + @($result.FailedBlocks) + @($result.FailedContainers) | ForEach-Object {
    if ($_.ExpandedPath) { $_.ExpandedPath } else { [string]$_.Item }
})
foreach ($name in $failedNames) { Write-Host "FAILED (Pester): $name" -ForegroundColor Red }

[ordered]@{
    Passed      = $result.PassedCount
    Failed      = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped     = $result.SkippedCount
    Files       = $files
    FailedNames = $failedNames
} | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultPath -Encoding utf8
exit ([int]($result.Result -ne 'Passed'))
