#Requires -Version 7.4
<#
.SYNOPSIS
    One cold measurement for bench/Measure-PipelineCost.ps1: Import-Csv piped into one command, in this (fresh) pwsh.
    Prints one JSON line: the mode and the seconds.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('OutNull', 'NoOp', 'ForEach', 'StageOnly')] [string] $Mode,
    [Parameter(Mandatory)] [string] $Csv,
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ExportName = 'pipeline-cost'
)
$ErrorActionPreference = 'Stop'

# A compiled cmdlet that binds each piped object to a PSObject parameter and does nothing: what binding costs.
Add-Type -TypeDefinition @'
using System.Management.Automation;
namespace PipelineCost
{
    [Cmdlet("Test", "NoOp")]
    public sealed class TestNoOpCommand : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true)]
        public PSObject InputObject { get; set; }

        protected override void ProcessRecord() { }
    }
}
'@ -PassThru | Select-Object -First 1 | ForEach-Object { Import-Module $_.Assembly }
Import-Module $ModulePath

# Everything above is before the clock, as Import-Module is in the end-to-end benchmark.
$elapsed = switch ($Mode) {
    'OutNull' { Measure-Command { Import-Csv $Csv | Out-Null } }
    'NoOp' { Measure-Command { Import-Csv $Csv | Test-NoOp } }
    'ForEach' { Measure-Command { Import-Csv $Csv | ForEach-Object { } } }
    # Everything Invoke-CCExport does to piped profiles but the sending: -WhatIf stages and stops.
    'StageOnly' { Measure-Command { Import-Csv $Csv | Invoke-CCExport -Name $ExportName -WhatIf -ErrorAction SilentlyContinue 6>$null | Out-Null } }
}
[pscustomobject]@{ mode = $Mode; seconds = $elapsed.TotalSeconds } | ConvertTo-Json -Compress
