# Issue 15, a token refresh that cannot finish: a token endpoint that never answers (a run waiting on it stops at its
# deadline, resumable; the request itself is bounded, TokenRequestTimeout, shown in the engine tests on a fake clock),
# and a disk that is full when a rotated refresh token is to be saved (the refresh is not asked for, so the connection
# survives). Access tokens live 5 s here, so every command after that refreshes.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--token-lifetime', '5', '--activity-delay', '50')

    function script:Wait-TokenExpired {
        param([Parameter(Mandatory)] [string] $Connection)
        $expires = (Get-CCConnection -Name $Connection).TokenExpiresOn
        Wait-Until -What "the access token of '$Connection' has expired" -Condition { [DateTimeOffset]::Now -gt $expires }
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A token endpoint that never answers' {
    BeforeAll {
        # The stand-in: forwards everything to the sandbox, but while TokenMode is 'silent' it takes each token request
        # and never answers it (the connection stays open), as a hung authorization server does.
        $script:Proxy = Start-StandInServer -Upstream $Sandbox.Root -State @{ TokenMode = 'pass'; Held = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new()) } -Intercept {
            if ($request.Url.AbsolutePath.EndsWith('/token') -and $Proxy.TokenMode -eq 'silent') { $null = $Proxy.Held.Add([pscustomobject]@{ Context = $context; Body = $body }); return $true }
            $false
        }.ToString()

        $null = New-CCConnection -Name slowauth -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri "$($Proxy.Prefix)oauth2/default/v1" -AcceptDataPrivacyNotice 6>$null
        $script:Export = Set-CCExport -Name slowauth -Connection slowauth -ListName SlowAuth -CreateList -EmailField Email -FirstNameField FirstName `
            -Segment Newsletter -SegmentField Segments -PassThru
        $script:Csv = Join-Path $TestHome 'slowauth.csv'
        $null = New-SampleCsv -Path $Csv -Count 300 -Seed 15
    }
    AfterAll {
        foreach ($held in @($Proxy.Held)) { try { $held.Context.Response.Abort() } catch { } }
        Stop-StandInServer $Proxy
    }

    It 'stops a run waiting on it at the run deadline, resumable (RunDeadlineExceeded), and -Resume completes it once it answers' {
        Wait-TokenExpired -Connection slowauth
        $Proxy.TokenMode = 'silent'
        $env:CC_EXPORT_RUN_DEADLINE = '4'
        $err = $null
        try { Invoke-CCExport -Name slowauth -Path $Csv -ErrorAction Stop | Out-Null } catch { $err = $_ }
        finally { Remove-Item Env:CC_EXPORT_RUN_DEADLINE }
        @($Proxy.Held).Count | Should -BeGreaterThan 0 -Because 'the run asked for a token and got no answer'
        $err.FullyQualifiedErrorId | Should -BeLike 'RunDeadlineExceeded,*'
        $err.Exception.Message | Should -BeLike '*deadline (4 s)*-Resume*'
        $stopped = Get-CCExportRun -Name slowauth
        $stopped.State | Should -Be 'Stopped'
        (Get-SandboxState $Sandbox).imported_contacts_total | Should -Be 0

        # The run stopped waiting; the refresh it started did not: answered now, its (rotated) tokens are saved. A
        # client that had given up on it would lose them, and the connection with them.
        $expiredAt = (Get-CCConnection -Name slowauth).TokenExpiresOn
        $Proxy.TokenMode = 'pass'
        $http = [System.Net.Http.HttpClient]::new()
        foreach ($held in @($Proxy.Held)) {
            $context = $held.Context
            $forward = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, $Proxy.Upstream + $context.Request.Url.PathAndQuery)
            $forward.Content = [System.Net.Http.ByteArrayContent]::new($held.Body)
            $null = $forward.Content.Headers.TryAddWithoutValidation('Content-Type', $context.Request.ContentType)
            $answer = $http.SendAsync($forward).GetAwaiter().GetResult()
            $bytes = $answer.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult()
            $context.Response.StatusCode = [int]$answer.StatusCode
            $context.Response.ContentType = "$($answer.Content.Headers.ContentType)"
            $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
            $context.Response.Close()
        }
        $Proxy.Held.Clear()
        Wait-Until -What 'the late answer is saved' -TimeoutSeconds 50 -Condition { (Get-CCConnection -Name slowauth).TokenExpiresOn -gt $expiredAt }

        # The run goes on and completes, each batch once.
        $run = Invoke-CCExport -Name slowauth -Resume -ErrorAction Stop
        $run.RunId | Should -Be $stopped.RunId
        $run.State | Should -Be 'Completed'
        (Get-SandboxState $Sandbox).imported_contacts_total | Should -Be $run.SubmittedCount
    }
}

Describe 'A full disk when a rotated refresh token is to be saved' -Skip:($IsWindows -or (id -u) -ne '0') {
    # A real full file system: a 256 KiB tmpfs mounted over the secret store (mounting needs root; skipped otherwise).
    BeforeAll {
        $script:Secrets = Join-Path $TestHome 'secrets'
        New-Item -ItemType Directory -Path $Secrets -Force | Out-Null
        $tokens = @(Get-ChildItem $Secrets -File)
        $kept = Join-Path $TestHome 'secrets-kept'
        New-Item -ItemType Directory -Path $kept | Out-Null
        $tokens | Copy-Item -Destination $kept
        mount -t tmpfs -o 'size=256k,mode=0700' tmpfs $Secrets
        if ($LASTEXITCODE -ne 0) { throw "mount failed: $LASTEXITCODE" }
        Get-ChildItem $kept -File | Copy-Item -Destination $Secrets
        Get-ChildItem $Secrets -File | ForEach-Object { chmod 600 $_.FullName }
        $null = New-CCConnection -Name fulldisk -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
    }
    AfterAll { umount $script:Secrets }

    It 'asks for no new token, fails TokenStoreUnwritable naming the store, and the connection works again once there is room' {
        $tokenFile = Join-Path $Secrets 'fulldisk.token'
        $before = [System.IO.File]::ReadAllBytes($tokenFile)
        # Fill the file system to the last block.
        $filler = Join-Path $Secrets 'filler'
        # Owner-only, as everything in the secret store must be (HomeSecretsReadableByOthers otherwise).
        $stream = [System.IO.FileStream]::new($filler, [System.IO.FileStreamOptions]@{ Mode = 'CreateNew'; Access = 'Write'; UnixCreateMode = [System.IO.UnixFileMode]'UserRead, UserWrite' })
        try { $block = [byte[]]::new(4096); while ($true) { $stream.Write($block, 0, $block.Length); $stream.Flush() } }
        catch { }
        finally { try { $stream.Dispose() } catch { } }
        Wait-TokenExpired -Connection fulldisk

        $err = $null
        try { Test-CCConnection -Connection fulldisk -ErrorAction Stop | Out-Null } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TokenStoreUnwritable,*'
        $err.CategoryInfo.Category | Should -Be 'WriteError'
        $err.Exception.Message | Should -BeLike "*$Secrets*not spent*free disk space*"
        [System.IO.File]::ReadAllBytes($tokenFile) | Should -Be $before
        @(Get-ChildItem $Secrets -Filter '*.tmp' -Force) | Should -BeNullOrEmpty

        # The stored refresh token was not spent (the sandbox rotates them: a spent one would be refused).
        Remove-Item $filler
        $tested = Test-CCConnection -Connection fulldisk -ErrorAction Stop
        $tested.Reachable | Should -BeTrue
        [System.IO.File]::ReadAllBytes($tokenFile) | Should -Not -Be $before
    }
}
