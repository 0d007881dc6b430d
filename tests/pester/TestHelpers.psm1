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

function Start-StandInServer {
    <#
    A stand-in server on loopback, in its own runspace, in front of -Upstream (the sandbox): every request goes first
    to -Intercept, script text run there with $Proxy, $context, $request, $response and $body (the request's bytes),
    which answers it itself and returns $true (leaving it open is allowed: a server that never answers), or returns
    $false to have it forwarded to the upstream as it came. Returns $Proxy: a synchronized hashtable of -State plus
    Prefix, Upstream, Listener, Errors and Shell; Stop-StandInServer ends it.
    #>
    param(
        [Parameter(Mandatory)] [string] $Upstream,
        [hashtable] $State = @{},
        [string] $Intercept = '$false'
    )
    $free = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $free.Start(); $port = $free.LocalEndpoint.Port; $free.Stop()
    $proxy = [hashtable]::Synchronized(@{ Prefix = "http://127.0.0.1:$port/"; Upstream = $Upstream.TrimEnd('/'); Errors = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new()) })
    foreach ($key in $State.Keys) { $proxy[$key] = $State[$key] }
    $shell = [powershell]::Create()
    $null = $shell.AddScript({
        param($Proxy, $InterceptText)
        # Made here, not passed in: a script block runs in the runspace that made it.
        $intercept = [scriptblock]::Create($InterceptText)
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add($Proxy.Prefix)
        $listener.Start()
        $Proxy.Listener = $listener
        $http = [System.Net.Http.HttpClient]::new([System.Net.Http.HttpClientHandler]@{ AllowAutoRedirect = $false; UseCookies = $false })
        while ($listener.IsListening) {
            try { $context = $listener.GetContext() } catch { break }
            $request = $context.Request; $response = $context.Response
            try {
                $buffer = [System.IO.MemoryStream]::new(); $request.InputStream.CopyTo($buffer); $body = $buffer.ToArray()
                if (. $intercept) { continue }
                $forward = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($request.HttpMethod), $Proxy.Upstream + $request.Url.PathAndQuery)
                if ($body.Length -gt 0 -or $request.HttpMethod -in 'POST', 'PUT', 'PATCH') {
                    $forward.Content = [System.Net.Http.ByteArrayContent]::new($body)
                    if ($request.ContentType) { $null = $forward.Content.Headers.TryAddWithoutValidation('Content-Type', $request.ContentType) }
                }
                foreach ($name in 'Authorization', 'Accept') {
                    if ($request.Headers[$name]) { $null = $forward.Headers.TryAddWithoutValidation($name, $request.Headers[$name]) }
                }
                $answer = $http.SendAsync($forward).GetAwaiter().GetResult()
                $bytes = $answer.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
                $response.StatusCode = [int]$answer.StatusCode
                if ($answer.Content.Headers.ContentType) { $response.ContentType = "$($answer.Content.Headers.ContentType)" }
                if ($answer.Headers.Date) { $response.AddHeader('Date', $answer.Headers.Date.ToString('r')) }
                $response.OutputStream.Write($bytes, 0, $bytes.Length)
                $response.Close()
            }
            catch { $null = $Proxy.Errors.Add("$_"); try { $response.Abort() } catch { } }
        }
    }).AddArgument($proxy).AddArgument($Intercept)
    $proxy.Shell = $shell
    $proxy.Run = $shell.BeginInvoke()
    Wait-Until -What 'the stand-in server listens' -TimeoutSeconds 30 -Condition { $proxy.Listener }
    $proxy
}

function Stop-StandInServer {
    param($Proxy)
    if (-not $Proxy) { return }
    if ($Proxy.Errors.Count) { Write-Host "The stand-in server failed on: $($Proxy.Errors -join ' | ')" }
    if ($Proxy.Listener) { $Proxy.Listener.Stop() }
    if ($Proxy.Shell) { $Proxy.Shell.Dispose() }
}

Export-ModuleMember -Function Get-PwshCommandLine, Get-TestModulePath, Get-RepoRoot, Get-SharedDataPath, Get-NuGetPackageFolder, Invoke-ChildPwsh, Start-TestSandbox, Stop-TestSandbox, Get-SandboxState, Get-SandboxListMember, Get-SandboxContact, Add-SandboxListMember, Set-SandboxUnsubscribed, New-TestHome, New-SampleCsv, Wait-Until, Start-StandInServer, Stop-StandInServer
