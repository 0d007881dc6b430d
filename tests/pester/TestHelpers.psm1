# Shared by the Pester files: where the built module is, and how to start a child pwsh like the one running.

Import-Module (Join-Path $PSScriptRoot '../../docs/demo/SandboxProcess.psm1')

function Get-TestModulePath {
    if (-not $env:CCE_TEST_MODULE_PATH) { throw 'CCE_TEST_MODULE_PATH is not set: run the tests through build.ps1 -Task Test.' }
    $env:CCE_TEST_MODULE_PATH
}

function Get-RepoRoot {
    (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
}

function Get-SharedDataPath {
    # ../shared/data beside the repository (the project's test material).
    param([string] $Child = '')
    $path = Join-Path (Get-RepoRoot) (Join-Path '../shared/data' $Child)
    (Resolve-Path $path).Path
}

function Get-NuGetPackageFolder {
    # A package that tests/tools/tools.csproj put into the NuGet cache.
    param([Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [string] $Version)
    $root = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    Join-Path $root "$($Id.ToLowerInvariant())/$Version"
}

function Get-PwshCommandLine {
    # The pwsh running this, as a command line: 'dotnet <pwsh.dll>' for the repository's local tool, else pwsh itself.
    $process = [Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        @($process, [System.Reflection.Assembly]::GetEntryAssembly().Location)
    }
    else { @($process) }
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a script block's text in a fresh pwsh -NoProfile -NonInteractive and returns its output lines,
        its error lines and its exit code.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{}
    )
    $command = @(Get-PwshCommandLine)
    $process = $command[0]
    # @(): a lone string splatted would be taken apart character by character.
    $prefix = @($command | Select-Object -Skip 1)
    $scriptFile = Join-Path ([System.IO.Path]::GetTempPath()) ("cce-child-{0}.ps1" -f [guid]::NewGuid())
    Set-Content -Path $scriptFile -Value $Script -Encoding utf8
    $saved = @{}
    try {
        foreach ($key in $Environment.Keys) {
            $saved[$key] = [Environment]::GetEnvironmentVariable($key)
            [Environment]::SetEnvironmentVariable($key, $Environment[$key])
        }
        $stderrFile = "$scriptFile.err"
        $output = & $process @prefix -NoProfile -NonInteractive -File $scriptFile 2> $stderrFile
        [pscustomobject]@{
            Output   = @($output)
            Errors   = @(Get-Content $stderrFile -ErrorAction SilentlyContinue)
            ExitCode = $LASTEXITCODE
        }
    }
    finally {
        foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
        Remove-Item $scriptFile, "$scriptFile.err" -ErrorAction SilentlyContinue
    }
}

function Start-TestSandbox {
    # The built sandbox beside the built module, started on a free loopback port.
    param([string[]] $Arguments = @())
    $dll = [System.IO.Path]::GetFullPath((Join-Path (Split-Path (Get-TestModulePath) -Parent) '../sandbox/ConstantContact.Sandbox.dll'))
    Start-Sandbox -SandboxPath $dll -Arguments $Arguments
}

function Stop-TestSandbox {
    param($Sandbox)
    Stop-Sandbox $Sandbox
}

function Get-SandboxState {
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-RestMethod "$($Sandbox.Root)/__sandbox/state"
}

function Get-SandboxListMember {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $ListId)
    (Invoke-RestMethod "$($Sandbox.Root)/__sandbox/lists/$ListId/members").members
}

function Get-SandboxContact {
    # One contact by email with its status (email_address.permission_to_send) and list_memberships; $null when none.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $Email)
    try {
        Invoke-RestMethod "$($Sandbox.Root)/__sandbox/contacts?email=$([uri]::EscapeDataString($Email))"
    }
    catch {
        if ($_.Exception.Response -and [int]$_.Exception.Response.StatusCode -eq 404) { return $null }
        throw
    }
}

function Add-SandboxListMember {
    # Puts contacts on a list "another way" (as a sign-up form would, not through an import); returns how many joined.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $ListId, [Parameter(Mandatory)] [string[]] $Email)
    $body = @{ emails = @($Email) } | ConvertTo-Json -Compress
    (Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/lists/$ListId/members" -ContentType 'application/json' -Body $body).count
}

function Set-SandboxUnsubscribed {
    # Unsubscribes contacts account-wide (created when new): they leave every list and imports cannot add them back.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string[]] $Email)
    $body = @{ emails = @($Email) } | ConvertTo-Json -Compress
    Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/unsubscribe" -ContentType 'application/json' -Body $body | Out-Null
}

function New-TestHome {
    # A fresh CC_EXPORT_HOME for one test file.
    $path = Join-Path ([System.IO.Path]::GetTempPath()) "cce-pester-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
    New-Item -ItemType Directory -Path $path | Out-Null
    $env:CC_EXPORT_HOME = $path
    $path
}

function New-SampleCsv {
    # The demo's generator: a CSV with a known ledger.
    param([Parameter(Mandatory)] [string] $Path, [int] $Count = 1000, [int] $Seed = 1)
    & (Join-Path (Get-RepoRoot) 'docs/demo/New-SampleProfileCsv.ps1') -Path $Path -Count $Count -Seed $Seed
}

function Wait-Until {
    # Waits for a state, polling: a test waits for what it needs, never for a time. Real time only bounds the
    # wait, generously (a guard against a hang, not a measurement: a busy machine must not fail the test).
    param([Parameter(Mandatory)] [scriptblock] $Condition, [Parameter(Mandatory)] [string] $What, [int] $TimeoutSeconds = 300)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Waited $TimeoutSeconds seconds (hang guard), and still not so: $What." }
        Start-Sleep -Milliseconds 20
    }
}

Export-ModuleMember -Function Get-PwshCommandLine, Get-TestModulePath, Get-RepoRoot, Get-SharedDataPath, Get-NuGetPackageFolder, Invoke-ChildPwsh, Start-TestSandbox, Stop-TestSandbox, Get-SandboxState, Get-SandboxListMember, Get-SandboxContact, Add-SandboxListMember, Set-SandboxUnsubscribed, New-TestHome, New-SampleCsv, Wait-Until
