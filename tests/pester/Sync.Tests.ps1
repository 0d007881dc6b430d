# Incremental runs end to end (issue 13, first slice): the built module, the sandbox, and the export's sync state.
# A run sends only what is new or changed since what Constant Contact confirmed; the rest is UnchangedCount.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '50')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice

    function script:New-Export {
        param([string] $Name)
        Set-CCExport -Name $Name -Connection sandbox -ListName $Name -CreateList -EmailField Email -FirstNameField FirstName `
            -Segment Newsletter -SegmentField Segments -PassThru
    }

    function script:New-ProfileCsv {
        # Clean profiles p<From>..p<To>, all in segment; -Rename gives those addresses another first name.
        param([string] $Path, [int] $From = 1, [int] $To = 20, [string[]] $Rename = @())
        $rows = $From..$To | ForEach-Object {
            $email = "p$_@example.com"
            [pscustomobject]@{ Email = $email; FirstName = $(if ($email -in $Rename) { "Renamed$_" } else { "First$_" }); Segments = 'Newsletter' }
        }
        $rows | Export-Csv -Path $Path -NoTypeInformation
        $Path
    }

    function script:Get-ImportPostCount {
        $state = Get-SandboxState $Sandbox
        $routes = $state.requests_by_route.PSObject.Properties | Where-Object Name -like '*contacts_json_import*'
        [int]($routes | Measure-Object -Property Value -Sum).Sum
    }

    function script:Get-StatePath { param([string] $Name) Join-Path $TestHome "exports/$Name/sync.state" }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Incremental by default' {
    It 'sends no import on a second run of the same file and reports every profile Unchanged' {
        $null = New-Export -Name again
        $csv = Join-Path $TestHome 'again.csv'
        $expected = New-SampleCsv -Path $csv -Count 1000 -Seed 7
        $env:CC_EXPORT_BATCH_CONTACTS = '200'
        try {
            $first = Invoke-CCExport -Name again -Path $csv -WarningAction SilentlyContinue
            $first.SubmittedCount | Should -Be $expected.SubmittedCount
            $first.UnchangedCount | Should -Be 0
            $posts = Get-ImportPostCount
            Test-Path (Get-StatePath again) | Should -BeTrue

            $second = Invoke-CCExport -Name again -Path $csv -WarningAction SilentlyContinue
        }
        finally { Remove-Item Env:CC_EXPORT_BATCH_CONTACTS }
        Get-ImportPostCount | Should -Be $posts
        $second.State | Should -Be 'Completed'
        $second.SubmittedCount | Should -Be 0
        $second.BatchCount | Should -Be 0
        $second.UnchangedCount | Should -Be $expected.SubmittedCount
        $second.Message | Should -BeExactly "Nothing was sent: no profile was new or changed ($($expected.SubmittedCount) unchanged since the last sync)."
        $second.InvalidCount | Should -Be $expected.InvalidCount
        $second.InputCount | Should -Be ($second.OutOfSegmentCount + $second.InvalidCount + $second.DuplicateCount + $second.UnchangedCount + $second.SubmittedCount)
        (Get-CCExportRun -Name again -RunId $second.RunId).UnchangedCount | Should -Be $expected.SubmittedCount
        (Get-CCExportRun -Name again | Format-List | Out-String) | Should -Match "UnchangedCount\s+:\s+$($expected.SubmittedCount)"
    }

    It 'sends only a changed field and a new profile, and -Full sends them all' {
        $export = New-Export -Name delta
        $null = Invoke-CCExport -Name delta -Path (New-ProfileCsv -Path (Join-Path $TestHome 'delta1.csv'))
        $posts = Get-ImportPostCount

        $next = New-ProfileCsv -Path (Join-Path $TestHome 'delta2.csv') -To 21 -Rename 'p3@example.com'
        $run = Invoke-CCExport -Name delta -Path $next
        $run.SubmittedCount | Should -Be 2
        $run.UnchangedCount | Should -Be 19
        $run.ImportedCount | Should -Be 2
        Get-ImportPostCount | Should -Be ($posts + 1)
        (Get-SandboxContact $Sandbox 'p3@example.com').first_name | Should -Be 'Renamed3'
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).Count | Should -Be 21

        $full = Invoke-CCExport -Name delta -Path $next -Full
        $full.SubmittedCount | Should -Be 21
        $full.UnchangedCount | Should -Be 0
        Get-ImportPostCount | Should -Be ($posts + 2)
        (Invoke-CCExport -Name delta -Path $next).UnchangedCount | Should -Be 21
        Get-ImportPostCount | Should -Be ($posts + 2)
    }

    It '-WhatIf says how many would be sent and how many are unchanged' {
        $null = New-Export -Name whatif
        $null = Invoke-CCExport -Name whatif -Path (New-ProfileCsv -Path (Join-Path $TestHome 'whatif1.csv') -To 10)
        $posts = Get-ImportPostCount
        $run = Invoke-CCExport -Name whatif -Path (New-ProfileCsv -Path (Join-Path $TestHome 'whatif2.csv') -To 13) -WhatIf
        $run.State | Should -Be 'WhatIf'
        $run.SubmittedCount | Should -Be 3
        $run.UnchangedCount | Should -Be 10
        $run.Message | Should -BeLike 'WhatIf: 3 contacts in 1 import(s)*10 are unchanged since the last sync*'
        Get-ImportPostCount | Should -Be $posts
    }
}

Describe 'Only what Constant Contact confirmed is recorded' {
    It 'records the contacts of an import that reported a previously unsubscribed contact, which stays unsubscribed' {
        $null = New-Export -Name unsub
        Set-SandboxUnsubscribed $Sandbox -Email 'p7@example.com'
        $csv = New-ProfileCsv -Path (Join-Path $TestHome 'unsub.csv') -To 15
        $env:CC_EXPORT_BATCH_CONTACTS = '5'
        try {
            $first = Invoke-CCExport -Name unsub -Path $csv
            $first.BatchCount | Should -Be 3
            $first.CannotAddToListCount | Should -Be 1
            $second = Invoke-CCExport -Name unsub -Path $csv
        }
        finally { Remove-Item Env:CC_EXPORT_BATCH_CONTACTS }
        # p6..p10 were one import: importing p7 again changes nothing, so all five are recorded and none is sent again.
        $second.SubmittedCount | Should -Be 0
        $second.UnchangedCount | Should -Be 15
        (Get-SandboxContact $Sandbox 'p7@example.com').email_address.permission_to_send | Should -Be 'unsubscribed'
    }

    It 'sends everything again after an import that failed' {
        $null = New-Export -Name failed
        $null = Invoke-RestMethod -Method Post -Uri "$($Sandbox.Root)/__sandbox/activity-ends" -Body (@{ ends = @('failed') } | ConvertTo-Json) -ContentType 'application/json'
        $csv = New-ProfileCsv -Path (Join-Path $TestHome 'failed.csv') -To 4
        { Invoke-CCExport -Name failed -Path $csv -ErrorAction Stop } | Should -Throw -ErrorId 'ExportFailed,*'
        Test-Path (Get-StatePath failed) | Should -BeFalse
        $again = Invoke-CCExport -Name failed -Path $csv
        $again.SubmittedCount | Should -Be 4
        $again.UnchangedCount | Should -Be 0
    }

    It 'records a run killed part way once -Resume finishes it' {
        $null = New-Export -Name killed
        $csv = Join-Path $TestHome 'killed.csv'
        $expected = New-SampleCsv -Path $csv -Count 20000 -Seed 9
        $child = Start-ChildPwsh -Environment @{ CC_EXPORT_BATCH_CONTACTS = '500' } -Script @"
Import-Module '$(Get-TestModulePath)'
Invoke-CCExport -Name killed -Path '$csv' -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
"@
        $deadline = [datetime]::UtcNow.AddSeconds(300)   # a hang guard: the loop waits for the journal, not a time
        $submitted = 0
        while (-not $child.Process.HasExited -and [datetime]::UtcNow -lt $deadline) {
            $folder = Get-ChildItem (Join-Path $TestHome 'runs') -Directory | Where-Object { (Get-Content (Join-Path $_.FullName 'run.json') -Raw -ErrorAction SilentlyContinue) -like '*"killed"*' } | Select-Object -First 1
            if ($folder) {
                $submitted = ([regex]::Matches((Read-RunJournalText (Join-Path $folder.FullName 'journal.jsonl')), '"Type":"Submitted"')).Count
                if ($submitted -ge 2) { break }
            }
            Start-Sleep -Milliseconds 5
        }
        $child.Process.Kill()
        $null = Wait-ChildPwsh $child -TimeoutSeconds 30
        $submitted | Should -BeGreaterOrEqual 2 -Because 'the kill must land after imports went out'
        (Get-CCExportRun -Name killed).State | Should -BeIn 'Staging', 'Sending'
        Test-Path (Get-StatePath killed) | Should -BeFalse -Because 'nothing is recorded before the run ends'

        $resumed = Invoke-CCExport -Name killed -Resume -WarningAction SilentlyContinue
        $resumed.State | Should -Be 'Completed'
        $resumed.SubmittedCount | Should -Be $expected.SubmittedCount
        @(Get-ChildItem (Join-Path $folder.FullName 'batches') -ErrorAction SilentlyContinue).Count | Should -Be 0 -Because 'the key files go with the bodies'
        $posts = Get-ImportPostCount
        $next = Invoke-CCExport -Name killed -Path $csv -WarningAction SilentlyContinue
        $next.UnchangedCount | Should -Be $expected.SubmittedCount
        $next.SubmittedCount | Should -Be 0
        Get-ImportPostCount | Should -Be $posts
    }
}

Describe 'Where the state lives' {
    It 'is kept by Remove-CCExportRun and deleted by Remove-CCExport' {
        $null = New-Export -Name removed
        $csv = New-ProfileCsv -Path (Join-Path $TestHome 'removed.csv') -To 3
        $run = Invoke-CCExport -Name removed -Path $csv
        Test-Path (Get-StatePath removed) | Should -BeTrue
        Remove-CCExportRun -RunId $run.RunId -Confirm:$false
        Test-Path (Get-StatePath removed) | Should -BeTrue
        (Invoke-CCExport -Name removed -Path $csv).UnchangedCount | Should -Be 3

        Remove-CCExport -Name removed -Confirm:$false
        Test-Path (Join-Path $TestHome 'exports/removed') | Should -BeFalse
    }
}
