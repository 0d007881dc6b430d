# Connections end to end: the built module, real HTTP on loopback, the sandbox's OAuth server.
# Every stream of every command goes into $script:Captured; the last block checks that no token the sandboxes
# issued appears there, in any file under CC_EXPORT_HOME but the token files, or in any error record.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:TestHome = New-TestHome
    $script:Captured = [System.Collections.Generic.List[string]]::new()
    $script:Sandboxes = [System.Collections.Generic.List[object]]::new()

    function script:Start-Sandbox {
        param([string[]] $Arguments = @())
        # A 1-second device interval keeps the device flow quick; everything else as Constant Contact's.
        $sandbox = Start-TestSandbox -Arguments (@('--device-interval', '1') + $Arguments)
        $script:Sandboxes.Add($sandbox)
        $sandbox
    }

    function script:ConvertTo-CapturedText {
        # All that a record shows or carries: for an error, the exception chain, details and target as well.
        param($Record)
        if ($Record -is [System.Management.Automation.ErrorRecord]) {
            @("$Record", $Record.FullyQualifiedErrorId, "$($Record.CategoryInfo)", "$($Record.ErrorDetails)", "$($Record.TargetObject)",
                $Record.Exception.ToString()) -join "`n"
        }
        elseif ($Record -is [System.Management.Automation.InformationRecord]) { "$($Record.MessageData)" }
        elseif ($Record -is [string]) { $Record }
        else { ($Record | Format-List * -Force | Out-String -Width 500) + "$Record" }
    }

    function script:Invoke-Captured {
        # Runs the script block with Verbose and Debug on, returns every record of every stream, and keeps their text.
        param([Parameter(Mandatory)] [scriptblock] $Script)
        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $records = @(& $Script *>&1)
        foreach ($record in $records) { $script:Captured.Add((ConvertTo-CapturedText $record)) }
        $records
    }

    function script:New-Connection {
        param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] $Sandbox, [hashtable] $Extra = @{})
        Invoke-Captured {
            New-CCConnection -Name $Name -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri `
                -AcceptDataPrivacyNotice -PassThru @Extra
        }
    }

    function script:Get-TokenFile { param([string] $Name) Get-Content (Join-Path $TestHome "secrets/$Name.token") -Raw | ConvertFrom-Json }

    function script:Get-RouteCount {
        param($Sandbox, [string] $Route)
        $value = (Get-SandboxState $Sandbox).requests_by_route.$Route
        if ($value) { [int]$value } else { 0 }
    }

    function script:Start-Background {
        # New-CCConnection in a runspace of its own, so the test can approve, deny or stop it meanwhile.
        param([Parameter(Mandatory)] [string] $Script)
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModulePath'`n$Script")
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }

    function script:Wait-UserCode {
        param([Parameter(Mandatory)] $Background)
        $script:UserCode = $null
        Wait-Until -What 'the background New-CCConnection shows a user code' -Condition {
            foreach ($record in @($Background.PowerShell.Streams.Information)) {
                if ("$($record.MessageData)" -match 'enter the code ([A-Z]{4}-[A-Z]{4})') { $script:UserCode = $Matches[1]; return $true }
            }
            $false
        }
        $script:UserCode
    }

    function script:Get-TokenExpiry {
        param([Parameter(Mandatory)] [string] $Name)
        $json = [System.Text.Json.JsonDocument]::Parse((Get-Content (Join-Path $TestHome "secrets/$Name.token") -Raw))
        try { $json.RootElement.GetProperty('expires_on').GetDateTimeOffset() } finally { $json.Dispose() }
    }

    function script:Complete-Background {
        param([Parameter(Mandatory)] $Background)
        $ps = $Background.PowerShell
        $output = $null
        $failure = $null
        try { $output = $ps.EndInvoke($Background.Handle) } catch { $failure = $_.Exception }
        $errors = @($ps.Streams.Error)
        $streams = @($ps.Streams.Information) + $errors + @($ps.Streams.Verbose) + @($ps.Streams.Warning)
        foreach ($record in $streams) { $script:Captured.Add((ConvertTo-CapturedText $record)) }
        if ($failure) { $script:Captured.Add($failure.ToString()) }
        $ps.Dispose()
        # A cmdlet's terminating error ends its statement, not the script: it lands in the Error stream.
        [pscustomobject]@{ Output = $output; Failure = $failure; Errors = $errors }
    }

    function script:Start-ChildProcess {
        # A child pwsh that starts now; its output is read when it ends.
        param([Parameter(Mandatory)] [string] $Script)
        $file = Join-Path ([System.IO.Path]::GetTempPath()) "cce-conn-child-$([guid]::NewGuid().ToString('N')).ps1"
        Set-Content -Path $file -Value $Script -Encoding utf8
        $command = Get-PwshCommandLine
        $start = [System.Diagnostics.ProcessStartInfo]::new($command[0])
        foreach ($a in @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($start)
        [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync(); File = $file }
    }

    function script:Wait-ChildProcess {
        param([Parameter(Mandatory)] $Child)
        if (-not $Child.Process.WaitForExit(300000)) { $Child.Process.Kill(); throw 'A child pwsh ran for over five minutes (hang guard).' }
        $text = $Child.Output.GetAwaiter().GetResult() + "`n" + $Child.Errors.GetAwaiter().GetResult()
        $script:Captured.Add($text)
        Remove-Item $Child.File -ErrorAction SilentlyContinue
        $text
    }

    function script:Get-RawRefreshToken {
        # A refresh token "obtained elsewhere": the device flow done by hand against the sandbox.
        param([Parameter(Mandatory)] $Sandbox, [string] $ClientSecret)
        $headers = @{}
        if ($ClientSecret) {
            $pair = [Uri]::EscapeDataString($Sandbox.ClientId) + ':' + [Uri]::EscapeDataString($ClientSecret)
            $headers.Authorization = 'Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($pair))
        }
        $device = Invoke-RestMethod -Method Post "$($Sandbox.AuthBaseUri)/device/authorize" -Headers $headers `
            -Body @{ client_id = $Sandbox.ClientId; scope = 'contact_data offline_access account_read' }
        Start-Sleep -Seconds ([int]$device.interval + 0.2)
        $tokens = Invoke-RestMethod -Method Post "$($Sandbox.AuthBaseUri)/token" -Headers $headers `
            -Body @{ grant_type = 'urn:ietf:params:oauth:grant-type:device_code'; device_code = $device.device_code; client_id = $Sandbox.ClientId }
        $tokens.refresh_token
    }

    $script:Auto = Start-Sandbox
}

AfterAll {
    foreach ($sandbox in $script:Sandboxes) { Stop-TestSandbox $sandbox }
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item Env:CC_EXPORT_BROWSER -ErrorAction SilentlyContinue
}

Describe 'New-CCConnection: the device flow' {
    It 'connects with automatic approval, shows the code on the Information stream, and saves the connection' {
        $records = New-Connection -Name auto -Sandbox $Auto -Extra @{ DisplayName = 'Sandbox (auto)'; ExportUser = 'runbook-user' }

        $connection = $records | Where-Object { $_ -is [ConstantContactExport.CCConnection] }
        $connection.Name | Should -Be 'auto'
        $connection.DisplayName | Should -Be 'Sandbox (auto)'
        $connection.ApiBaseUri.AbsoluteUri | Should -Be "$($Auto.ApiBaseUri)"
        $connection.ClientId | Should -Be $Auto.ClientId
        $connection.CreatedBy | Should -Be ([Environment]::UserName)
        $connection.ExportUsers | Should -Be @([Environment]::UserName, 'runbook-user')
        $connection.TokenExpiresOn | Should -BeGreaterThan (Get-Date).AddHours(23)
        $connection.PSObject.Properties.Name | Should -Not -Contain 'AccessToken'
        $connection.PSObject.Properties.Name | Should -Not -Contain 'RefreshToken'

        $prompt = $records | Where-Object { $_ -is [System.Management.Automation.InformationRecord] -and "$($_.MessageData)" -match 'enter the code [A-Z]{4}-[A-Z]{4}' }
        $prompt | Should -Not -BeNullOrEmpty
        "$($prompt.MessageData)" | Should -BeLike "*$($Auto.Root)/activate*"
        $prompt.Tags | Should -Contain 'PSHOST'

        Join-Path $TestHome 'connections/auto.json' | Should -Exist
        (Get-SandboxState $Auto).requests_by_route.'POST /oauth2/default/v1/device/authorize' | Should -Be 1
    }

    It 'keeps the token in a file of mode 0600 in a folder of mode 0700' -Skip:$IsWindows {
        (Get-Item (Join-Path $TestHome 'secrets')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        (Get-Item (Join-Path $TestHome 'secrets/auto.token')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        $json = Get-Content (Join-Path $TestHome 'connections/auto.json') -Raw
        $json | Should -Not -Match 'token'
    }

    It 'reaches the API with the stored token and names the account' {
        $records = Invoke-Captured { Test-CCConnection -Connection auto }
        $result = $records | Where-Object { $_ -is [ConstantContactExport.CCConnectionTestResult] }
        $result.Reachable | Should -BeTrue
        $result.Account | Should -Be 'ConstantContact.Sandbox'
        $result.Name | Should -Be 'auto'
        $result.TokenExpiresOn | Should -BeGreaterThan (Get-Date)
        $records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and "$_" -like 'GET /v3/account/summary -> 200*' } | Should -Not -BeNullOrEmpty
    }

    It 'waits for a person to approve (manual approval), polling at the interval' {
        $script:Manual = Start-Sandbox -Arguments @('--manual-approval')
        $background = Start-Background "New-CCConnection -Name manual -ClientId '$($Manual.ClientId)' -ApiBaseUri '$($Manual.ApiBaseUri)' -AuthBaseUri '$($Manual.AuthBaseUri)' -AcceptDataPrivacyNotice -PassThru"
        $code = Wait-UserCode $background
        # Polled at least once while pending, and still waiting for the person.
        Wait-Until -What 'the token endpoint is polled while the code is pending' -Condition { (Get-RouteCount $Manual 'POST /oauth2/default/v1/token') -ge 1 }
        $background.Handle.IsCompleted | Should -BeFalse
        $approved = Invoke-RestMethod -Method Post "$($Manual.Root)/__sandbox/approve" -ContentType 'application/json' -Body (@{ user_code = $code } | ConvertTo-Json)
        $approved.count | Should -Be 1

        $result = Complete-Background $background
        $result.Failure | Should -BeNullOrEmpty
        $result.Errors | Should -BeNullOrEmpty
        $result.Output.Name | Should -Be 'manual'
        # Polled while pending (authorization_pending), then redeemed.
        Get-RouteCount $Manual 'POST /oauth2/default/v1/token' | Should -BeGreaterOrEqual 2
        (Get-CCConnection manual).TokenExpiresOn | Should -BeGreaterThan (Get-Date)
    }

    It 'saves nothing when the person refuses consent' {
        $background = Start-Background "New-CCConnection -Name refused -ClientId '$($Manual.ClientId)' -ApiBaseUri '$($Manual.ApiBaseUri)' -AuthBaseUri '$($Manual.AuthBaseUri)' -AcceptDataPrivacyNotice"
        $code = Wait-UserCode $background
        $null = Invoke-RestMethod -Method Post "$($Manual.Root)/__sandbox/approve" -ContentType 'application/json' -Body (@{ user_code = $code; deny = $true } | ConvertTo-Json)

        $result = Complete-Background $background
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AuthorizationDenied,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        Join-Path $TestHome 'connections/refused.json' | Should -Not -Exist
        Join-Path $TestHome 'secrets/refused.token' | Should -Not -Exist
    }

    It 'stops at Ctrl+C (StopProcessing) while waiting, and saves nothing' {
        $background = Start-Background "New-CCConnection -Name stopped -ClientId '$($Manual.ClientId)' -ApiBaseUri '$($Manual.ApiBaseUri)' -AuthBaseUri '$($Manual.AuthBaseUri)' -AcceptDataPrivacyNotice"
        $null = Wait-UserCode $background
        # Without Ctrl+C the wait would last until the code expires (10 minutes): the guard is far below that.
        $stopping = $background.PowerShell.BeginStop($null, $null)
        $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromMinutes(2)) | Should -BeTrue -Because 'Stop must end the wait for approval'
        $background.PowerShell.EndStop($stopping)
        $background.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $null = Complete-Background $background
        Join-Path $TestHome 'connections/stopped.json' | Should -Not -Exist
    }

    It 'ends with a clear error when the code expires unapproved' {
        $expiring = Start-Sandbox -Arguments @('--manual-approval', '--device-code-lifetime', '3')
        $records = Invoke-Captured {
            try {
                New-CCConnection -Name expired -ClientId $expiring.ClientId -ApiBaseUri $expiring.ApiBaseUri -AuthBaseUri $expiring.AuthBaseUri -AcceptDataPrivacyNotice
            }
            catch { $_ }
        }
        $failure = $records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | Select-Object -First 1
        $failure.FullyQualifiedErrorId | Should -BeLike 'AuthorizationExpired,*'
        Join-Path $TestHome 'connections/expired.json' | Should -Not -Exist
    }
}

Describe 'New-CCConnection -Browser: authorization code with PKCE on a loopback redirect' {
    It 'signs in through a scripted browser that follows the redirect to the listener' {
        # The test's "browser": a program given the URL, which GETs /authorize and follows the redirect.
        $browserScript = Join-Path $TestHome 'browser.ps1'
        Set-Content $browserScript -Value @'
param($Url)
$response = Invoke-WebRequest -Uri $Url -MaximumRedirection 5 -SkipHttpErrorCheck
Set-Content -Path ($PSScriptRoot + '/browser.log') -Value "$($response.StatusCode) $($response.BaseResponse.RequestMessage.RequestUri.Host)"
'@
        $command = (Get-PwshCommandLine | ForEach-Object { "'$_'" }) -join ' '
        $launcher = Join-Path $TestHome 'browser.sh'
        Set-Content $launcher -Value "#!/bin/sh`nexec $command -NoProfile -NonInteractive -File '$browserScript' `"`$1`"`n"
        chmod +x $launcher
        # A free port stands in for the one registered with the application (the default 8765 may be busy here),
        # and the sandbox, like the real server, takes only that redirect URI, exactly.
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $redirect = "http://127.0.0.1:$port/callback"
        $strict = Start-Sandbox -Arguments @('--redirect-uri', $redirect)
        $env:CC_EXPORT_BROWSER = $launcher
        try {
            $records = New-Connection -Name browser -Sandbox $strict -Extra @{ Browser = $true; RedirectUri = $redirect }
        }
        finally { Remove-Item Env:CC_EXPORT_BROWSER }

        ($records | Where-Object { $_ -is [ConstantContactExport.CCConnection] }).Name | Should -Be 'browser'
        $shown = ($records | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }).MessageData -join "`n"
        $shown | Should -Match 'code_challenge_method=S256'
        $shown | Should -Match "redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A$port%2Fcallback&"
        $shown | Should -Match 'state='
        # The browser finishes its page after the listener has the code: give it a moment to write its log.
        $log = Join-Path $TestHome 'browser.log'
        Wait-Until -What 'the scripted browser writes its log' -Condition { (Test-Path $log) -and (Get-Content $log -Raw) }
        Get-Content $log | Should -Be '200 127.0.0.1'
        Get-RouteCount $strict 'GET /oauth2/default/v1/authorize' | Should -Be 1
        (Invoke-Captured { Test-CCConnection browser } | Where-Object Reachable).Reachable | Should -BeTrue
    }

    It 'refuses a -RedirectUri it cannot listen at, before any request, naming the rule' {
        foreach ($bad in 'https://127.0.0.1:8765/callback', 'http://example.com:8765/callback', 'http://127.0.0.1/callback') {
            { New-CCConnection -Name badredirect -ClientId $Auto.ClientId -ApiBaseUri $Auto.ApiBaseUri -AuthBaseUri $Auto.AuthBaseUri `
                    -Browser -RedirectUri $bad -AcceptDataPrivacyNotice } | Should -Throw -ErrorId 'InvalidRedirectUri,*'
        }
        Join-Path $TestHome 'connections/badredirect.json' | Should -Not -Exist
    }

    It 'says which port is taken when the registered one is in use' {
        $busy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $busy.Start()
        try {
            $redirect = "http://127.0.0.1:$($busy.LocalEndpoint.Port)/callback"
            { New-CCConnection -Name busyport -ClientId $Auto.ClientId -ApiBaseUri $Auto.ApiBaseUri -AuthBaseUri $Auto.AuthBaseUri `
                    -Browser -RedirectUri $redirect -AcceptDataPrivacyNotice } | Should -Throw -ErrorId 'RedirectPortInUse,*' -ExpectedMessage "*port $($busy.LocalEndpoint.Port)*"
        }
        finally { $busy.Stop() }
        Join-Path $TestHome 'connections/busyport.json' | Should -Not -Exist
    }
}

Describe 'New-CCConnection -RefreshToken: runbooks, no person needed' {
    It 'takes a refresh token given by hand, spends it once and keeps its rotated successor' {
        $given = Get-RawRefreshToken $Auto
        $secure = ConvertTo-SecureString $given -AsPlainText -Force
        $records = New-Connection -Name byhand -Sandbox $Auto -Extra @{ RefreshToken = $secure }
        ($records | Where-Object { $_ -is [ConstantContactExport.CCConnection] }).Name | Should -Be 'byhand'
        (Get-TokenFile byhand).refresh_token | Should -Not -Be $given
        (Invoke-Captured { Test-CCConnection byhand } | Where-Object { $_ -is [ConstantContactExport.CCConnectionTestResult] }).Reachable | Should -BeTrue
    }

    It 'uses -ClientSecret for an application with a secret (HTTP Basic on the token endpoint)' {
        $secret = 'app-secret-0f3e9a7c'
        $confidential = Start-Sandbox -Arguments @('--client-secret', $secret)
        $given = ConvertTo-SecureString (Get-RawRefreshToken $confidential -ClientSecret $secret) -AsPlainText -Force

        $records = New-Connection -Name withsecret -Sandbox $confidential -Extra @{ RefreshToken = $given; ClientSecret = (ConvertTo-SecureString $secret -AsPlainText -Force) }
        ($records | Where-Object { $_ -is [ConstantContactExport.CCConnection] }).Name | Should -Be 'withsecret'
        Get-Content (Join-Path $TestHome 'connections/withsecret.json') -Raw | Should -Not -Match $secret
        (Invoke-Captured { Test-CCConnection withsecret } | Where-Object { $_ -is [ConstantContactExport.CCConnectionTestResult] }).Reachable | Should -BeTrue
    }

    It 'refuses a dead refresh token with a clear reason and saves nothing' {
        $dead = ConvertTo-SecureString 'not-a-refresh-token-that-was-ever-issued-0123456789' -AsPlainText -Force
        { New-CCConnection -Name dead -ClientId $Auto.ClientId -ApiBaseUri $Auto.ApiBaseUri -AuthBaseUri $Auto.AuthBaseUri -RefreshToken $dead -AcceptDataPrivacyNotice } |
            Should -Throw -ErrorId 'RefreshTokenRejected,*'
        Join-Path $TestHome 'connections/dead.json' | Should -Not -Exist
        Join-Path $TestHome 'secrets/dead.token' | Should -Not -Exist
    }
}

Describe 'Token expiry and refresh (a 5-second token, then day-long ones)' {
    BeforeAll {
        $script:Short = Start-Sandbox

        function script:Set-TokenLifetime {
            # The lifetime of the tokens the sandbox issues from now on (its inspection API); issued ones keep theirs.
            param([Parameter(Mandatory)] [int] $Seconds)
            $body = @{ seconds = $Seconds } | ConvertTo-Json -Compress
            $null = Invoke-RestMethod -Method Post "$($Short.Root)/__sandbox/token-lifetime" -ContentType 'application/json' -Body $body
        }

        function script:New-ShortLivedConnection {
            # A connection whose stored token lives 5 seconds (short to wait out; the module refreshes half a second
            # ahead), while every token issued after it lives a day: no stall of a busy machine between a refresh and
            # the request after it can outlive the new token.
            param([Parameter(Mandatory)] [string] $Name)
            Set-TokenLifetime 5
            try { $null = New-Connection -Name $Name -Sandbox $Short }
            finally { Set-TokenLifetime 86400 }
        }
    }

    It 'refreshes an expired access token before the request, and saves the rotated refresh token' {
        New-ShortLivedConnection short
        $before = Get-TokenFile short
        $tokenRequests = Get-RouteCount $Short 'POST /oauth2/default/v1/token'
        $expires = Get-TokenExpiry short
        Wait-Until -What 'the stored access token has expired' -Condition { [DateTimeOffset]::UtcNow -gt $expires }

        $records = Invoke-Captured { Test-CCConnection short }
        $result = $records | Where-Object { $_ -is [ConstantContactExport.CCConnectionTestResult] }
        $result.Reachable | Should -BeTrue
        $result.TokenExpiresOn | Should -BeGreaterThan (Get-Date)
        $records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and "$_" -like '*refreshing the access token*' } | Should -Not -BeNullOrEmpty
        Get-RouteCount $Short 'POST /oauth2/default/v1/token' | Should -Be ($tokenRequests + 1)
        # Refreshed ahead of expiry: no request went out with the dead token.
        $records | Where-Object { "$_" -like '*-> 401*' } | Should -BeNullOrEmpty
        $after = Get-TokenFile short
        $after.refresh_token | Should -Not -Be $before.refresh_token
        $after.access_token | Should -Not -Be $before.access_token
    }

    It 'says, when another sign-in with the same application spent its rotating refresh token, why and what to run' {
        New-ShortLivedConnection ended
        # Another holder of the same application's tokens refreshes first (rotating: the stored token dies).
        Start-Sleep -Milliseconds 1100
        $null = Invoke-RestMethod -Method Post "$($Short.AuthBaseUri)/token" `
            -Body @{ grant_type = 'refresh_token'; refresh_token = (Get-TokenFile ended).refresh_token; client_id = $Short.ClientId }
        # The stored access token must expire, so that the next request refreshes with the spent refresh token.
        $expires = Get-TokenExpiry ended
        Wait-Until -What 'the stored access token has expired' -Condition { [DateTimeOffset]::UtcNow -gt $expires }

        $errorRecord = $null
        try { $null = Test-CCConnection ended -ErrorAction Stop } catch { $errorRecord = $_ }
        $script:Captured.Add((ConvertTo-CapturedText $errorRecord))
        $errorRecord.FullyQualifiedErrorId | Should -BeLike 'RefreshTokenRejected,*'
        "$errorRecord" | Should -BeLike '*invalid_grant*'
        "$errorRecord" | Should -BeLike '*newer sign-in with the same application*'
        "$errorRecord" | Should -BeLike "*New-CCConnection -Name 'ended' -ClientId * -Force*"
    }

}

Describe 'Two processes refreshing a rotating refresh token at the same moment' {
    It 'both succeed with one token request and no invalid_grant: the second waits for the lock and takes the new token' {
        # Each child reads the connection while its token is fresh, so both hold the same token in memory when
        # it expires; then both need a refresh at the same moment, whichever starts first. Lined up by events:
        # each child says when it is warm, and the test lets both go once both are warm and the token expired.
        # The lifetime only has to outlast two children starting and warming up: a minute, however busy the machine.
        $race = Start-Sandbox -Arguments @('--token-lifetime', '60')
        $null = New-Connection -Name race -Sandbox $race
        $issued = (Get-TokenFile race).access_token
        $barrier = Join-Path $TestHome "race-$([guid]::NewGuid().ToString('N'))"
        $null = New-Item -ItemType Directory -Path $barrier
        $script = @"
Import-Module '$ModulePath'
`$warm = Test-CCConnection -Connection race
'WARM=' + `$warm.Reachable
New-Item -ItemType File -Path (Join-Path '$barrier' "warm-`$PID") | Out-Null
`$deadline = [DateTime]::UtcNow.AddMinutes(5)
while (-not (Test-Path (Join-Path '$barrier' 'go')) -and [DateTime]::UtcNow -lt `$deadline) { Start-Sleep -Milliseconds 5 }
Test-CCConnection -Verbose *>&1 | ForEach-Object {
    if (`$_ -is [System.Management.Automation.ErrorRecord]) { 'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_ }
    elseif (`$_ -is [ConstantContactExport.CCConnectionTestResult]) { 'REACHABLE=' + `$_.Reachable }
    else { "`$_" }
}
"@
        $tokenRequests = Get-RouteCount $race 'POST /oauth2/default/v1/token'
        $children = @(Start-ChildProcess $script; Start-ChildProcess $script)
        Wait-Until -What 'both children have read the connection' -Condition { @(Get-ChildItem $barrier -Filter 'warm-*').Count -eq 2 -or @($children | Where-Object { $_.Process.HasExited }).Count }
        (Get-TokenFile race).access_token | Should -Be $issued -Because 'neither child may have refreshed while warming up (they took longer than the token lifetime)'
        $expires = Get-TokenExpiry race
        Wait-Until -What 'the access token both children hold has expired' -Condition { [DateTimeOffset]::UtcNow -gt $expires }
        $null = New-Item -ItemType File -Path (Join-Path $barrier 'go')
        $outputs = $children | ForEach-Object { Wait-ChildProcess $_ }

        foreach ($output in $outputs) {
            $output | Should -Match 'WARM=True'
            $output | Should -Match 'REACHABLE=True'
            $output | Should -Not -Match 'ERROR'
            $output | Should -Not -Match 'invalid_grant'
        }
        # One process refreshed; the other waited for the lock, read the store again and took that token.
        Get-RouteCount $race 'POST /oauth2/default/v1/token' | Should -Be ($tokenRequests + 1)
        @(($outputs -join "`n") -split "`n" | Where-Object { $_ -match 'refreshing the access token, which expires' }).Count | Should -Be 1
        @(($outputs -join "`n") -split "`n" | Where-Object { $_ -match 'another session has refreshed the access token already' }).Count | Should -Be 1
        # The refresh token on disk is the live one: this process (whose cached token is dead too) refreshes with it.
        Start-Sleep -Seconds 1
        $again = Invoke-Captured { Test-CCConnection race -Verbose }
        ($again | Where-Object { $_ -is [ConstantContactExport.CCConnectionTestResult] }).Reachable | Should -BeTrue
    }
}

Describe 'Endpoints, consent to the privacy notice, names' {
    It 'refuses plain http off loopback (InsecureEndpoint) and saves nothing' {
        { New-CCConnection -Name insecure -ClientId x -ApiBaseUri 'http://api.example.com/v3' -AcceptDataPrivacyNotice } | Should -Throw -ErrorId 'InsecureEndpoint,*'
        { New-CCConnection -Name insecure -ClientId x -AuthBaseUri 'http://authz.example.com/oauth2/default/v1' -AcceptDataPrivacyNotice } | Should -Throw -ErrorId 'InsecureEndpoint,*'
        Join-Path $TestHome 'connections/insecure.json' | Should -Not -Exist
    }

    It 'fails in a non-interactive session without -AcceptDataPrivacyNotice, before any request, and saves nothing' {
        $deviceRequests = Get-RouteCount $Auto 'POST /oauth2/default/v1/device/authorize'
        $result = Invoke-ChildPwsh -Script @"
`$env:CC_EXPORT_HOME = '$TestHome'
Import-Module '$ModulePath'
try { New-CCConnection -Name noconsent -ClientId '$($Auto.ClientId)' -ApiBaseUri '$($Auto.ApiBaseUri)' -AuthBaseUri '$($Auto.AuthBaseUri)' }
catch { 'ERRORID=' + `$_.FullyQualifiedErrorId; 'CATEGORY=' + `$_.CategoryInfo.Category; "`$_" }
"@
        $script:Captured.Add(($result.Output + $result.Errors) -join "`n")
        $result.Output | Should -Contain 'ERRORID=DataPrivacyNoticeNotAccepted,ConstantContactExport.Commands.NewCCConnectionCommand'
        ($result.Output -join ' ') | Should -Match '-AcceptDataPrivacyNotice'
        Join-Path $TestHome 'connections/noconsent.json' | Should -Not -Exist
        Get-RouteCount $Auto 'POST /oauth2/default/v1/device/authorize' | Should -Be $deviceRequests
    }

    It 'asks in an interactive session with No as the default: Enter does not accept the data privacy notice' {
        # A host that answers every prompt with its default, as a person pressing Enter would, in a pwsh started
        # without -NonInteractive (Invoke-ChildPwsh adds it, and the module then refuses before asking).
        $deviceRequests = Get-RouteCount $Auto 'POST /oauth2/default/v1/device/authorize'
        $hostSource = Join-Path $PSScriptRoot 'DefaultAnswerHost.cs'
        $scriptFile = Join-Path ([System.IO.Path]::GetTempPath()) ("cce-prompt-{0}.ps1" -f [guid]::NewGuid())
        Set-Content -Path $scriptFile -Encoding utf8 -Value @"
Add-Type -Path '$hostSource'
`$answering = [DefaultAnswerHost]::new()
`$runspace = [runspacefactory]::CreateRunspace(`$answering)
`$runspace.Open()
`$shell = [powershell]::Create(`$runspace)
`$null = `$shell.AddScript(@'
`$env:CC_EXPORT_HOME = '$TestHome'
Import-Module '$ModulePath'
try { New-CCConnection -Name enter -ClientId '$($Auto.ClientId)' -ApiBaseUri '$($Auto.ApiBaseUri)' -AuthBaseUri '$($Auto.AuthBaseUri)'; 'CREATED' }
catch { 'ERRORID=' + `$_.FullyQualifiedErrorId }
'@)
`$shell.Invoke()
`$answering.Answers.Prompts | ForEach-Object { 'PROMPT=' + `$_ }
"@
        try {
            $command = @(Get-PwshCommandLine)
            $prefix = @($command | Select-Object -Skip 1)
            $output = @(& $command[0] @prefix -NoProfile -File $scriptFile 2>&1 | ForEach-Object { "$_" })
        }
        finally { Remove-Item $scriptFile -ErrorAction SilentlyContinue }
        $script:Captured.Add($output -join "`n")
        $output | Should -Contain 'PROMPT=Data privacy notice | &Yes &No | default &No' -Because ($output -join "`n")
        $output | Should -Contain 'ERRORID=DataPrivacyNoticeNotAccepted,ConstantContactExport.Commands.NewCCConnectionCommand'
        $output | Should -Not -Contain 'CREATED'
        Join-Path $TestHome 'connections/enter.json' | Should -Not -Exist
        Get-RouteCount $Auto 'POST /oauth2/default/v1/device/authorize' | Should -Be $deviceRequests
    }

    It 'refuses a name that is not a file name, and an existing name without -Force' {
        { New-CCConnection -Name '../x' -ClientId x -AcceptDataPrivacyNotice } | Should -Throw -ErrorId 'InvalidConnectionName,*'
        { New-CCConnection -Name AUTO -ClientId x -ApiBaseUri $Auto.ApiBaseUri -AuthBaseUri $Auto.AuthBaseUri -AcceptDataPrivacyNotice } | Should -Throw -ErrorId 'ConnectionExists,*'
    }

    It 'replaces a connection with -Force, keeping its name and files' {
        $before = Get-TokenFile browser
        $records = New-Connection -Name BROWSER -Sandbox $Auto -Extra @{ Force = $true; DisplayName = 'Replaced' }
        ($records | Where-Object { $_ -is [ConstantContactExport.CCConnection] }).Name | Should -Be 'browser'
        @(Get-ChildItem (Join-Path $TestHome 'connections') -Filter 'browser.json').Count | Should -Be 1
        (Get-CCConnection browser).DisplayName | Should -Be 'Replaced'
        (Get-TokenFile browser).refresh_token | Should -Not -Be $before.refresh_token
    }

    It 'does nothing with -WhatIf' {
        New-CCConnection -Name whatif -ClientId x -ApiBaseUri $Auto.ApiBaseUri -AuthBaseUri $Auto.AuthBaseUri -WhatIf
        Join-Path $TestHome 'connections/whatif.json' | Should -Not -Exist
    }
}

Describe 'Get-CCConnection, the default connection, -Connection as name or object, runspaces' {
    It 'lists connections with wildcards, and names a missing one' {
        (Get-CCConnection | Select-Object -ExpandProperty Name) | Should -Contain 'auto'
        (Get-CCConnection -Name 'aut*').Name | Should -Be 'auto'
        (Get-CCConnection -Name 'AUTO').Name | Should -Be 'auto'
        { Get-CCConnection -Name nowhere -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionNotFound,*'
        $script:Captured.Add((Get-CCConnection | Format-Table | Out-String))
        $script:Captured.Add((Get-CCConnection | Format-List * | Out-String))
    }

    It 'takes a connection object from the pipeline' {
        $result = Get-CCConnection auto | Test-CCConnection
        $result.Name | Should -Be 'auto'
        $result.Reachable | Should -BeTrue
    }

    It 'uses the last connection used in the runspace as the default' {
        $null = Test-CCConnection -Connection browser
        (Test-CCConnection).Name | Should -Be 'browser'
        $null = Test-CCConnection -Connection auto
        (Test-CCConnection).Name | Should -Be 'auto'
    }

    It 'keeps state per runspace: a new runspace with several connections must name one' {
        $results = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:ModulePath
            $named = Test-CCConnection -Connection auto
            try { $null = Test-CCConnection -ErrorAction Stop; $default = 'none' } catch { $default = $_.FullyQualifiedErrorId }
            [pscustomobject]@{ Named = $named.Reachable; Default = $default }
        }
        $results.Named | Should -Be @($true, $true)
        # After naming one, that one is the runspace's default.
        $results | ForEach-Object { $_.Default | Should -Be 'none' }
        $fresh = 1 | ForEach-Object -Parallel {
            Import-Module $using:ModulePath
            try { Test-CCConnection -ErrorAction Stop | Out-Null; 'none' } catch { $_.FullyQualifiedErrorId }
        } -UseNewRunspace
        $fresh | Should -BeLike 'ConnectionNotSpecified,*'
    }
}

Describe 'Remove-CCConnection' {
    It 'refuses while an export uses the connection, unless -Force' {
        $null = New-Connection -Name inuse -Sandbox $Auto
        New-Item -ItemType Directory -Path (Join-Path $TestHome 'exports') -Force | Out-Null
        Set-Content (Join-Path $TestHome 'exports/weekly.json') -Value '{ "Name": "weekly", "Connection": "INUSE", "ListIds": [] }'

        { Remove-CCConnection inuse -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionInUse,*'
        Join-Path $TestHome 'connections/inuse.json' | Should -Exist
        Remove-CCConnection inuse -Force
        Join-Path $TestHome 'connections/inuse.json' | Should -Not -Exist
        Remove-Item (Join-Path $TestHome 'exports/weekly.json')
    }

    It 'keeps everything with -WhatIf' {
        Remove-CCConnection auto -WhatIf
        Join-Path $TestHome 'connections/auto.json' | Should -Exist
        Join-Path $TestHome 'secrets/auto.token' | Should -Exist
    }

    It 'revokes the refresh token (and with it the access token), deletes the secret and the file' {
        $null = New-Connection -Name doomed -Sandbox $Auto
        $tokens = Get-TokenFile doomed
        $revokes = Get-RouteCount $Auto 'POST /oauth2/default/v1/revoke'

        $records = Invoke-Captured { Get-CCConnection doomed | Remove-CCConnection }
        $records | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | Should -BeNullOrEmpty
        Get-RouteCount $Auto 'POST /oauth2/default/v1/revoke' | Should -Be ($revokes + 1)
        Join-Path $TestHome 'connections/doomed.json' | Should -Not -Exist
        Join-Path $TestHome 'secrets/doomed.token' | Should -Not -Exist
        { Test-CCConnection doomed -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionNotFound,*'

        # The server agrees: the access token is refused, the refresh token is dead.
        $api = Invoke-WebRequest "$($Auto.ApiBaseUri)/account/summary" -Headers @{ Authorization = "Bearer $($tokens.access_token)" } -SkipHttpErrorCheck
        $api.StatusCode | Should -Be 401
        Start-Sleep -Milliseconds 1100
        $refresh = Invoke-WebRequest -Method Post "$($Auto.AuthBaseUri)/token" -SkipHttpErrorCheck `
            -Body @{ grant_type = 'refresh_token'; refresh_token = $tokens.refresh_token; client_id = $Auto.ClientId }
        ($refresh.Content | ConvertFrom-Json).error | Should -Be 'invalid_grant'
    }

    It 'names a connection that does not exist' {
        { Remove-CCConnection nowhere -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionNotFound,*'
    }
}

Describe 'No token anywhere but the token store' {
    It 'shows no issued token in any stream, error record, or file under CC_EXPORT_HOME except the token files' {
        $tokens = foreach ($sandbox in $script:Sandboxes) { (Get-SandboxState $sandbox).issued_tokens }
        $tokens.Count | Should -BeGreaterThan 20
        $captured = $script:Captured -join "`n"
        $captured.Length | Should -BeGreaterThan 1000

        $files = Get-ChildItem $TestHome -Recurse -File | Where-Object { -not ($_.DirectoryName -like '*secrets' -and $_.Extension -eq '.token') }
        $files.Count | Should -BeGreaterThan 3
        $texts = foreach ($file in $files) { [System.IO.File]::ReadAllText($file.FullName) }
        $everything = $captured + "`n" + ($texts -join "`n")
        $leaks = @($tokens | Where-Object { $everything.Contains($_) })
        $leaks.Count | Should -Be 0 -Because 'no access or refresh token may appear outside the token files'
    }
}
