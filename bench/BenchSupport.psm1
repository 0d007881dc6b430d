# Shared by the bench scripts: cached sample CSVs, the sandbox as a child process, a child pwsh like this one.

function Get-SampleCsv {
    <#
    .SYNOPSIS
        The CSV of -Count profiles (docs/demo/New-SampleProfileCsv.ps1) and the generator's counts, from the cache when
        the same generator made them: <DataFolder>/profiles-<count>-seed<seed>.csv and .csv.json.
    #>
    param(
        [Parameter(Mandatory)] [int] $Count,
        [Parameter(Mandatory)] [string] $DataFolder,
        [Parameter(Mandatory)] [string] $Generator,
        [int] $Seed = 1
    )
    New-Item -ItemType Directory -Path $DataFolder -Force | Out-Null
    $generatorHash = (Get-FileHash $Generator -Algorithm SHA256).Hash.Substring(0, 12).ToLowerInvariant()
    $csv = Join-Path $DataFolder "profiles-$Count-seed$Seed.csv"
    $counts = "$csv.json"
    if ((Test-Path $csv) -and (Test-Path $counts)) {
        $cached = Get-Content $counts -Raw | ConvertFrom-Json
        if ($cached.Generator -eq $generatorHash -and (Get-Item $csv).Length -eq $cached.Bytes) {
            return [pscustomobject]@{ Path = $csv; Counts = $counts; Ledger = $cached }
        }
    }

    Write-Host "Writing $Count sample profiles (seed $Seed) to $csv" -ForegroundColor DarkGray
    # Under a temporary name first: a run stopped half way leaves no truncated file that looks cached.
    $partial = "$csv.partial"
    $ledger = & $Generator -Path $partial -Count $Count -Seed $Seed
    Move-Item $partial $csv -Force
    $record = [ordered]@{
        InputCount = $ledger.InputCount; OutOfSegmentCount = $ledger.OutOfSegmentCount; InvalidCount = $ledger.InvalidCount
        DuplicateCount = $ledger.DuplicateCount; SubmittedCount = $ledger.SubmittedCount
        Generator = $generatorHash; Seed = $Seed; Bytes = (Get-Item $csv).Length
    }
    $record | ConvertTo-Json | Set-Content $counts
    return [pscustomobject]@{ Path = $csv; Counts = $counts; Ledger = [pscustomobject]$record }
}

function Get-PwshCommand {
    # The pwsh running this script, as a command line: 'dotnet <pwsh.dll>' for the local tool, else pwsh itself.
    $process = [Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, [System.Reflection.Assembly]::GetEntryAssembly().Location)
    }
    return @($process)
}

function Invoke-ChildScript {
    <#
    .SYNOPSIS
        Runs a script in a fresh pwsh -NoProfile -NonInteractive and returns its last output line as an object (the
        scripts print one JSON line last). Everything else it prints goes to the host.
    #>
    param([Parameter(Mandatory)] [string] $File, [string[]] $ArgumentList = @())
    $pwsh = @(Get-PwshCommand)
    $childArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $File) + $ArgumentList
    $lines = @(& $pwsh[0] @childArgs)
    $exit = $LASTEXITCODE
    $json = $lines | Where-Object { $_ -is [string] -and $_.StartsWith('{') } | Select-Object -Last 1
    $lines | Where-Object { $_ -ne $json } | ForEach-Object { Write-Host "  | $_" -ForegroundColor DarkGray }
    if (-not $json) { throw "$(Split-Path $File -Leaf) printed no result (exit code $exit)." }
    $result = $json | ConvertFrom-Json
    if ($exit -ne 0) { throw "$(Split-Path $File -Leaf) failed (exit code $exit): $($result.error)" }
    $result
}

function Get-Median {
    # The median of the figures of several rounds (the mean of the middle two for an even count); NaN for none.
    param([double[]] $Values)
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count -eq 0) { return [double]::NaN }
    $middle = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$middle] }
    ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

Export-ModuleMember -Function Get-SampleCsv, Get-PwshCommand, Invoke-ChildScript, Get-Median
