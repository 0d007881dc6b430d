# Starting and stopping the built ConstantContact.Sandbox as a child process: one copy for the demo, the Pester
# tests and the benchmarks.

function Start-Sandbox {
    <#
    .SYNOPSIS
        Starts the sandbox on a free loopback port and returns the process and where it listens (from the JSON
        banner it prints as its first line).
    #>
    param([Parameter(Mandatory)] [string] $SandboxPath, [string[]] $Arguments = @())
    if (-not (Test-Path $SandboxPath)) { throw "The sandbox is not built: $SandboxPath" }
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @((Resolve-Path $SandboxPath).Path, '--port', '0') + $Arguments) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    # Its log goes to stderr: drained and dropped, so a full pipe never stalls it.
    $process.BeginErrorReadLine()
    $line = $process.StandardOutput.ReadLine()
    if (-not $line) { $process.Kill(); throw 'The sandbox printed nothing.' }
    $info = $line | ConvertFrom-Json
    [pscustomobject]@{
        Process     = $process
        Banner      = $line
        ApiBaseUri  = $info.apiBaseUri
        AuthBaseUri = $info.authBaseUri
        ClientId    = $info.clientId
        Root        = $info.apiBaseUri -replace '/v3$', ''
    }
}

function Stop-Sandbox {
    param($Sandbox)
    if ($Sandbox -and -not $Sandbox.Process.HasExited) {
        $Sandbox.Process.Kill()
        $Sandbox.Process.WaitForExit()
    }
}

Export-ModuleMember -Function Start-Sandbox, Stop-Sandbox
