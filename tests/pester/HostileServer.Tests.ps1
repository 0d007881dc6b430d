# Issue 15, a broken or hostile server, through the built module: every run has a deadline (CC_EXPORT_RUN_DEADLINE
# shortens it here) and ends Stopped, resumable, when Constant Contact fails or throttles every request; an answer
# that is huge, lies about its length, is an HTML page or echoes the request is a named error that holds no address.
# The sandbox plays the failing and throttling Constant Contact; a small stand-in proxy on loopback (below) plays the
# rest, forwarding everything else to the sandbox.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '100')

    # The stand-in: answers the import POST as $Proxy.Mode says and forwards every other request (and the import when
    # Mode is 'pass') to the sandbox.
    $script:Proxy = Start-StandInServer -Upstream $Sandbox.Root -State @{ Mode = 'pass'; ImportPosts = 0 } -Intercept {
        $import = $request.HttpMethod -eq 'POST' -and $request.Url.AbsolutePath.EndsWith('/activities/contacts_json_import')
        if (-not $import) { return $false }
        $Proxy.ImportPosts++
        switch ($Proxy.Mode) {
            'html' {
                $bytes = [System.Text.Encoding]::UTF8.GetBytes('<html><body><h1>Please sign in to the Wi-Fi</h1></body></html>')
                $response.StatusCode = 200; $response.ContentType = 'text/html'
                $response.OutputStream.Write($bytes, 0, $bytes.Length)
            }
            'huge' {
                $response.StatusCode = 200; $response.ContentType = 'application/json'
                $response.ContentLength64 = 3000000000
                $bytes = [byte[]]::new(4096)
                $response.OutputStream.Write($bytes, 0, $bytes.Length)
                $response.Abort(); return $true
            }
            'retry-after' {
                $bytes = [System.Text.Encoding]::UTF8.GetBytes('{"error_key":"throttled","error_message":"Too Many Requests"}')
                $response.StatusCode = 429; $response.ContentType = 'application/json'
                $response.AddHeader('Retry-After', '9999999')
                $response.OutputStream.Write($bytes, 0, $bytes.Length)
            }
            'echo400' {
                $echo = [System.Text.Encoding]::UTF8.GetString($body)
                $answer = ConvertTo-Json -Compress @(@{ error_key = 'contacts.api.validation.error'; error_message = "Invalid import_data: $echo" })
                $bytes = [System.Text.Encoding]::UTF8.GetBytes($answer)
                $response.StatusCode = 400; $response.ContentType = 'application/json'
                $response.OutputStream.Write($bytes, 0, $bytes.Length)
            }
            default { return $false }
        }
        $response.Close()
        $true
    }.ToString()

    $null = New-CCConnection -Name direct -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
    $null = New-CCConnection -Name proxied -ClientId $Sandbox.ClientId -ApiBaseUri "$($Proxy.Prefix)v3" -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null

    function script:New-HostileCase {
        # A fresh export and input for one case: its name, its CSV and the addresses in it.
        param([Parameter(Mandatory)] [string] $Name, [string] $Connection = 'proxied', [int] $Count = 60)
        $null = Set-CCExport -Name $Name -Connection $Connection -ListName $Name -CreateList -EmailField Email -FirstNameField FirstName `
            -Segment Newsletter -SegmentField Segments -PassThru
        $csv = Join-Path $TestHome "$Name.csv"
        $null = New-SampleCsv -Path $csv -Count $Count -Seed ($Name.Length + 40)
        @{ Name = $Name; Csv = $csv; Addresses = @(Import-Csv $csv | ForEach-Object Email | Where-Object { $_ -match '@' }) }
    }

    function script:Invoke-Hostile {
        # Invoke-CCExport as a runbook runs it (-ErrorAction Stop), with Verbose captured; returns the error, the verbose lines and the run.
        param([Parameter(Mandatory)] $Case, [string] $Deadline)
        if ($Deadline) { $env:CC_EXPORT_RUN_DEADLINE = $Deadline }
        $caught = $null
        $verbose = [System.Collections.Generic.List[string]]::new()
        try {
            Invoke-CCExport -Name $Case.Name -Path $Case.Csv -ErrorAction Stop -Verbose 4>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) }
            }
        }
        catch { $caught = $_ }
        finally { Remove-Item Env:CC_EXPORT_RUN_DEADLINE -ErrorAction SilentlyContinue }
        @{ Error = $caught; Verbose = $verbose; Run = Get-CCExportRun -Name $Case.Name | Select-Object -First 1 }
    }

    function script:Get-RunJournalText {
        # The run's journal and manifest (its bodies and reject report hold addresses by design).
        param([Parameter(Mandatory)] $Run)
        $folder = @(Get-ChildItem (Join-Path $TestHome 'runs') -Recurse -Directory | Where-Object Name -eq $Run.RunId)[0].FullName
        @('journal.jsonl', 'run.json' | ForEach-Object { Get-Content (Join-Path $folder $_) -Raw }) -join "`n"
    }
}

AfterAll {
    Stop-StandInServer $Proxy
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A Constant Contact that never lets the run finish' {
    AfterEach { $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0 }

    It 'stops at the run deadline, Stopped and resumable, when every request gets <Kind>, and -Resume then completes' -ForEach @(
        @{ Kind = '503' }
        @{ Kind = 'throttle' }
    ) {
        $case = New-HostileCase -Name "always-$Kind" -Connection direct
        $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 1 -Kinds $Kind -Seed 3
        $result = Invoke-Hostile $case -Deadline 4

        $result.Error.FullyQualifiedErrorId | Should -BeLike 'RunDeadlineExceeded*'
        $result.Error.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $result.Run.State | Should -Be 'Stopped'
        $result.Run.Message | Should -BeLike "*deadline (4 s)*-Resume*"
        # Each wait was the back-off's (or the throttle's), not a tight loop.
        @($result.Verbose -match 'trying again in|: try \d+ in|Throttled by Constant Contact').Count | Should -BeGreaterThan 0

        $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0
        $resumed = Invoke-CCExport -Name $case.Name -Resume -ErrorAction Stop
        $resumed.State | Should -Be 'Completed'
    }
}

Describe 'A hostile server between the module and Constant Contact' {
    AfterEach { $Proxy.Mode = 'pass' }

    It 'refuses a 3 GB Content-Length unread, sends the batch once, and stops resumable' {
        $case = New-HostileCase -Name 'huge-answer'
        $Proxy.Mode = 'huge'; $Proxy.ImportPosts = 0
        $result = Invoke-Hostile $case

        $result.Error.FullyQualifiedErrorId | Should -BeLike 'ApiAnswerTooLarge*'
        $result.Error.CategoryInfo.Category | Should -Be 'InvalidResult'
        "$($result.Error)" | Should -BeLike '*Content-Length 3000000000*'
        $result.Run.State | Should -Be 'Stopped'
        $Proxy.ImportPosts | Should -Be 1
    }

    It 'names an HTML page instead of failing in the JSON reader, and -Resume sends once it is gone' {
        $case = New-HostileCase -Name 'html-answer'
        $Proxy.Mode = 'html'
        $result = Invoke-Hostile $case

        $result.Error.FullyQualifiedErrorId | Should -BeLike 'ApiAnswerUnreadable*'
        "$($result.Error)" | Should -BeLike '*text/html*'
        "$($result.Error) $($result.Error.Exception)" | Should -Not -BeLike '*JsonReaderException*'
        $result.Run.State | Should -Be 'Stopped'
        $result.Run.Message | Should -Not -BeNullOrEmpty

        $Proxy.Mode = 'pass'
        (Invoke-CCExport -Name $case.Name -Resume -ErrorAction Stop).State | Should -Be 'Completed'
    }

    It 'waits out Retry-After: 9999999 no longer than its cap, and the deadline stops the run' {
        $case = New-HostileCase -Name 'retry-after'
        $Proxy.Mode = 'retry-after'
        $result = Invoke-Hostile $case -Deadline 3

        $result.Error.FullyQualifiedErrorId | Should -BeLike 'RunDeadlineExceeded*'
        "$($result.Error) $($result.Error.Exception)" | Should -Not -BeLike '*ArgumentOutOfRange*'
        $result.Run.State | Should -Be 'Stopped'
        @($result.Verbose -match 'waiting 120\.0 s').Count | Should -BeGreaterThan 0
    }

    It 'keeps the addresses of a 400 that echoes the request out of the message, the journal and Verbose' {
        $case = New-HostileCase -Name 'echo-400'
        $Proxy.Mode = 'echo400'
        $result = Invoke-Hostile $case

        $result.Error.FullyQualifiedErrorId | Should -BeLike 'ExportFailed*'
        $result.Run.State | Should -Be 'Failed'
        $result.Run.Message | Should -BeLike '*Invalid import_data*'
        $journal = Get-RunJournalText $result.Run
        $journal | Should -BeLike '*Invalid import_data*'
        $shown = @("$($result.Error)", $result.Run.Message, $journal) + $result.Verbose
        $case.Addresses.Count | Should -BeGreaterThan 10
        $leaked = @($case.Addresses | Where-Object { $address = $_; @($shown | Where-Object { $_ -and $_.Contains($address) }).Count -gt 0 })
        $leaked | Should -BeNullOrEmpty
    }
}
