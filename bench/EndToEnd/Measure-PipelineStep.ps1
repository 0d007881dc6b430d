#Requires -Version 7.4
<#
.SYNOPSIS
    One measurement for bench/Measure-PipelineCost.ps1 in this (fresh) pwsh: Import-Csv piped into one command (cold),
    or, with -Mode Warm, into each command in turn for -Rounds rounds in this one process (the first round warms up
    and is not counted). Prints one JSON line: the mode and the seconds (Warm: one object of seconds a round).
#>
param(
    [Parameter(Mandatory)] [ValidateSet('OutNull', 'NoOp', 'Floor', 'ForEach', 'StageOnly', 'Warm')] [string] $Mode,
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

    // Invoke-CCExport's parameter block (checked against it below), reading the mapped properties of each piped
    // object and nothing else: what any cmdlet with this block pays on the pipeline thread before it stages a profile.
    [Cmdlet("Test", "Floor", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Pipeline")]
    public sealed class TestFloorCommand : PSCmdlet
    {
        public static string[] Fields = new string[0];  // set below from the export's mapping
        public static long Characters;

        [Parameter(Position = 0, ParameterSetName = "Pipeline")]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "LiteralPath")]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Resume")]
        [ValidateNotNullOrEmpty] [Alias("ExportName")] public string Name { get; set; }
        [Parameter(ValueFromPipeline = true, ParameterSetName = "Pipeline")] [AllowNull] public PSObject InputObject { get; set; }
        [Parameter(Mandatory = true, ParameterSetName = "Path")] [SupportsWildcards] [ValidateNotNullOrEmpty] public string[] Path { get; set; }
        [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")] [Alias("PSPath", "LP")] [ValidateNotNullOrEmpty] public string[] LiteralPath { get; set; }
        [Parameter(ParameterSetName = "Pipeline")] [Parameter(ParameterSetName = "Path")] [Parameter(ParameterSetName = "LiteralPath")] [ValidateNotNullOrEmpty] public string[] Segment { get; set; }
        [Parameter(ParameterSetName = "Pipeline")] [Parameter(ParameterSetName = "Path")] [Parameter(ParameterSetName = "LiteralPath")] [ValidateNotNullOrEmpty] public string RejectPath { get; set; }
        [Parameter(ParameterSetName = "Pipeline")] [Parameter(ParameterSetName = "Path")] [Parameter(ParameterSetName = "LiteralPath")] public string Encoding { get; set; }
        [Parameter(ParameterSetName = "Pipeline")] [Parameter(ParameterSetName = "Path")] [Parameter(ParameterSetName = "LiteralPath")] public char? Delimiter { get; set; }
        [Parameter(ParameterSetName = "Pipeline")] [Parameter(ParameterSetName = "Path")] [Parameter(ParameterSetName = "LiteralPath")] [ValidateNotNullOrEmpty] public string[] Header { get; set; }
        [Parameter(ParameterSetName = "Pipeline")] [Parameter(ParameterSetName = "Path")] [Parameter(ParameterSetName = "LiteralPath")] [ValidateRange(0L, 100L)] public long? MaxRejectPercent { get; set; }
        [Parameter] public SwitchParameter ErrorPerReject { get; set; }
        [Parameter(ParameterSetName = "Pipeline")] [Parameter(ParameterSetName = "Path")] [Parameter(ParameterSetName = "LiteralPath")] public SwitchParameter Full { get; set; }
        [Parameter] public SwitchParameter NoWait { get; set; }
        [Parameter] public SwitchParameter Force { get; set; }
        [Parameter(Mandatory = true, ParameterSetName = "Resume")] public SwitchParameter Resume { get; set; }
        [Parameter(ParameterSetName = "Resume")] [ValidateNotNullOrEmpty] public string RunId { get; set; }

        protected override void ProcessRecord()
        {
            PSObject input = InputObject;
            foreach (string field in Fields)
            {
                PSPropertyInfo property = input.Properties[field];
                if (property != null && property.Value is string text) { Characters += text.Length; }
            }
        }
    }
}
'@ -PassThru | Select-Object -First 1 | ForEach-Object { Import-Module $_.Assembly }
Import-Module $ModulePath
# What Test-Floor reads: the properties the export maps, as Invoke-CCExport reads them.
$export = Get-CCExport -Name $ExportName -ErrorAction Stop
[PipelineCost.TestFloorCommand]::Fields = @(@($export.EmailField, $export.FirstNameField, $export.LastNameField, $export.SegmentField) + @($export.Attributes.Values) | Where-Object { $_ } | Sort-Object -Unique)

# The floor is only a floor while its parameter block is Invoke-CCExport's: the cmdlet's ShouldProcess and
# ConfirmImpact, and each parameter's sets, type, position, mandatory and pipeline flags, aliases, and its
# validation, allow and transformation attributes with their settings (ArgumentCompleter aside: binding never runs it).
function Get-BlockShape([string] $Command) {
    $info = Get-Command $Command
    $cmdlet = $info.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
    'cmdlet|ShouldProcess={0}|ConfirmImpact={1}|Default={2}' -f $cmdlet.SupportsShouldProcess, $cmdlet.ConfirmImpact, $cmdlet.DefaultParameterSetName
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    foreach ($set in $info.ParameterSets) {
        foreach ($p in $set.Parameters | Where-Object Name -NotIn $common) {
            $checks = foreach ($a in $p.Attributes) {
                if ($a -is [System.Management.Automation.ValidateArgumentsAttribute] -or $a -is [System.Management.Automation.ArgumentTransformationAttribute] -or
                    $a.GetType().Name -in 'AllowNullAttribute', 'AllowEmptyStringAttribute', 'AllowEmptyCollectionAttribute', 'SupportsWildcardsAttribute') {
                    $settings = $a.GetType().GetProperties() | Where-Object { $_.DeclaringType -eq $a.GetType() -and $_.Name -ne 'TypeId' } |
                        ForEach-Object { '{0}={1}' -f $_.Name, (@($_.GetValue($a)) -join ',') }
                    '{0}({1})' -f $a.GetType().Name, ($settings -join ';')
                }
            }
            'parameter|{0}|Default={1}|{2}|{3}|Mandatory={4}|Position={5}|ByValue={6}|ByPropertyName={7}|Remaining={8}|Aliases={9}|{10}' -f $set.Name, $set.IsDefault, $p.Name, $p.ParameterType,
                $p.IsMandatory, $p.Position, $p.ValueFromPipeline, $p.ValueFromPipelineByPropertyName, $p.ValueFromRemainingArguments, (($p.Aliases | Sort-Object) -join ','), ((@($checks) | Sort-Object) -join ' ')
        }
    }
}
$real = @(Get-BlockShape Invoke-CCExport)
$copy = @(Get-BlockShape Test-Floor)
$differences = @(
    $real | Where-Object { $_ -notin $copy } | ForEach-Object { "  only Invoke-CCExport: $_" }
    $copy | Where-Object { $_ -notin $real } | ForEach-Object { "  only Test-Floor:      $_" }
)
if ($differences) {
    throw "Test-Floor's parameter block no longer matches Invoke-CCExport's; update it in $PSCommandPath. Differences:`n$($differences -join "`n")"
}

function Measure-Mode([string] $Name) {
    switch ($Name) {
        'OutNull' { Measure-Command { Import-Csv $Csv | Out-Null } }
        'NoOp' { Measure-Command { Import-Csv $Csv | Test-NoOp } }
        'Floor' { Measure-Command { Import-Csv $Csv | Test-Floor -Name $ExportName } }
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
    foreach ($name in 'OutNull', 'NoOp', 'Floor', 'ForEach', 'StageOnly') {
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
