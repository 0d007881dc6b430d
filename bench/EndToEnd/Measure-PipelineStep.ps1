#Requires -Version 7.4
<#
.SYNOPSIS
    One measurement for bench/Measure-PipelineCost.ps1 in this (fresh) pwsh: Import-Csv piped into one command (cold),
    or, with -Mode Warm, into each command in turn for -Rounds rounds in this one process (the first round warms up
    and is not counted). Prints one JSON line: the mode and the seconds (Warm: one object of seconds a round).
#>
param(
    [Parameter(Mandatory)] [ValidateSet('OutNull', 'NoOp', 'ForEach', 'StageOnly', 'Warm')] [string] $Mode,
    [Parameter(Mandatory)] [string] $Csv,
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ExportName = 'pipeline-cost',
    [ValidateRange(2, 21)] [int] $Rounds = 4
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

function Measure-Mode([string] $Name) {
    switch ($Name) {
        'OutNull' { Measure-Command { Import-Csv $Csv | Out-Null } }
        'NoOp' { Measure-Command { Import-Csv $Csv | Test-NoOp } }
        'ForEach' { Measure-Command { Import-Csv $Csv | ForEach-Object { } } }
        # Everything Invoke-CCExport does to piped profiles but the sending: -WhatIf stages and stops.
        'StageOnly' { Measure-Command { Import-Csv $Csv | Invoke-CCExport -Name $ExportName -WhatIf -ErrorAction SilentlyContinue 6>$null | Out-Null } }
    }
}

# Everything above is before the clock, as Import-Module is in the end-to-end benchmark.
if ($Mode -ne 'Warm') {
    [pscustomobject]@{ mode = $Mode; seconds = (Measure-Mode $Mode).TotalSeconds } | ConvertTo-Json -Compress
    return
}

# Warm rounds also take the processor time: the process's, the pipeline thread's alone (Linux: what a second thread
# cannot hide) and the GC's pauses, which a busy machine lengthens (a paused thread waits for every other to stop).
if ($IsLinux) {
    Add-Type -TypeDefinition @'
namespace PipelineCost
{
    public static class ThreadClock
    {
        [System.Runtime.InteropServices.DllImport("libc")] private static extern int clock_gettime(int clock, long[] time);

        /// <summary>Processor seconds of the calling thread (CLOCK_THREAD_CPUTIME_ID).</summary>
        public static double Seconds() { var time = new long[2]; clock_gettime(3, time); return time[0] + time[1] / 1e9; }
    }
}
'@
}
$process = [System.Diagnostics.Process]::GetCurrentProcess()
$counted = foreach ($round in 1..$Rounds) {
    $seconds = [ordered]@{}
    foreach ($name in 'OutNull', 'NoOp', 'ForEach', 'StageOnly') {
        # A collection first, so that one command's garbage is not collected in the next one's time.
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $process.Refresh()
        $cpu = $process.TotalProcessorTime
        $pause = [GC]::GetTotalPauseDuration()
        $thread = if ($IsLinux) { [PipelineCost.ThreadClock]::Seconds() }
        $seconds[$name] = (Measure-Mode $name).TotalSeconds
        if ($IsLinux) { $seconds["${name}Thread"] = [PipelineCost.ThreadClock]::Seconds() - $thread }
        $seconds["${name}GcPause"] = ([GC]::GetTotalPauseDuration() - $pause).TotalSeconds
        $process.Refresh()
        $seconds["${name}Cpu"] = ($process.TotalProcessorTime - $cpu).TotalSeconds
    }
    if ($round -gt 1) { [pscustomobject]$seconds }
}
[pscustomobject]@{ mode = 'Warm'; rounds = @($counted) } | ConvertTo-Json -Compress
