# Runs that stop part way, by a killed process or by the daily quota, resume without sending a batch twice.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    function script:Start-ExportSetup {
        param([string[]] $SandboxArguments = @())
        $script:TestHome = New-TestHome
        $script:Sandbox = Start-TestSandbox -Arguments $SandboxArguments
        $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice
        Set-CCExport -Name resumable -Connection sandbox -ListName Resumable -CreateList -EmailField Email -FirstNameField FirstName `
            -Segment Newsletter -SegmentField Segments -PassThru
    }

    function script:Stop-ExportSetup {
        Stop-TestSandbox $script:Sandbox
        Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
    }

    function script:Assert-ImportedOnce {
        param($Run, $Expected, $Export)
        $state = Get-SandboxState $Sandbox
        $Run.State | Should -Be 'Completed'
        $Run.ActivityIds.Count | Should -Be $Run.BatchCount
        # Every activity the sandbox holds is one of the run's, once: no batch was imported twice.
        @($state.activities).Count | Should -Be $Run.BatchCount
        $state.imported_contacts_total | Should -Be $Expected.SubmittedCount
        @(Get-SandboxListMember $Sandbox $Export.ListIds[0]).Count | Should -Be $Expected.SubmittedCount
    }
}

Describe 'A killed process' {
    # Imports take 10 s to process, so that the child is still at work (polling) when the test sees the moment
    # to kill it, however slowly a busy machine runs the test's own polling loop.
    BeforeAll { $script:Export = Start-ExportSetup -SandboxArguments @('--activity-delay', '10000') }
    AfterAll { Stop-ExportSetup }

    It 'resumes with every batch imported once (<Moment>)' -ForEach @(
        @{ Moment = 'between imports'; Submitted = 3 }
        @{ Moment = 'while polling'; Submitted = 1000 }
    ) {
        $csv = Join-Path $TestHome "kill-$($Moment -replace ' ', '-').csv"
        $expected = New-SampleCsv -Path $csv -Count 2000 -Seed (20 + $Submitted)
        $modulePath = Get-TestModulePath
        # -Full: both trials run one export on sample files that share addresses, and each means to send its whole file.
        $script = @"
Import-Module '$modulePath'
Invoke-CCExport -Name resumable -Path '$csv' -Full -ErrorAction SilentlyContinue | Out-Null
"@
        $scriptFile = Join-Path $TestHome 'child.ps1'
        Set-Content -Path $scriptFile -Value $script
        $command = @(Get-PwshCommandLine)
        $importedBefore = (Get-SandboxState $Sandbox).imported_contacts_total
        $earlierRuns = @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory -ErrorAction SilentlyContinue).Name
        $env:CC_EXPORT_BATCH_CONTACTS = '100'
        try {
            $child = Start-Process -FilePath $command[0] -ArgumentList (@($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $scriptFile)) -PassThru
        }
        finally { Remove-Item Env:CC_EXPORT_BATCH_CONTACTS }
        $deadline = [datetime]::UtcNow.AddSeconds(300)   # a hang guard: the loop waits for the journal, not a time
        do {
            Start-Sleep -Milliseconds 50
            $journal = Get-ChildItem (Join-Path $TestHome 'runs') -Directory -ErrorAction SilentlyContinue |
                Where-Object Name -NotIn $earlierRuns |
                ForEach-Object { Get-Item (Join-Path $_.FullName 'journal.jsonl') -ErrorAction SilentlyContinue } |
                Select-Object -First 1
            $submitted = if ($journal) { @(Select-String -Path $journal.FullName -Pattern '"Type":"Submitted"').Count } else { 0 }
            $staged = $journal -and (Select-String -Path $journal.FullName -Pattern '"Type":"Staged"' -Quiet)
            $batches = if ($staged) { [int]((Select-String -Path $journal.FullName -Pattern '"BatchCount":(\d+)').Matches[0].Groups[1].Value) } else { 0 }
        } until (($staged -and $submitted -ge [math]::Min($Submitted, $batches)) -or $child.HasExited -or [datetime]::UtcNow -gt $deadline)
        $child.HasExited | Should -BeFalse -Because 'the child must be killed while it works'
        Stop-Process -Id $child.Id -Force   # SIGKILL: no cleanup runs
        $child.WaitForExit()

        $before = Get-CCExportRun -Name resumable
        $before.State | Should -BeIn 'Sending', 'Staging'
        # Nobody runs it any more: Get-CCExportRun says so (the journal still says Sending or Staging).
        $before.Message | Should -BeLike "Not running:*Invoke-CCExport -Name 'resumable' -Resume -RunId $($before.RunId)*"
        $run = Invoke-CCExport -Name resumable -Resume
        $run.RunId | Should -Be $before.RunId
        $run.SubmittedCount | Should -Be $expected.SubmittedCount
        $run.State | Should -Be 'Completed'
        ($run.ActivityIds | Sort-Object -Unique).Count | Should -Be $run.BatchCount
        $run.ImportedCount | Should -Be $expected.SubmittedCount
        # What the sandbox imported across every activity, the killed process's included: no batch twice.
        ((Get-SandboxState $Sandbox).imported_contacts_total - $importedBefore) | Should -Be $expected.SubmittedCount
    }
}

Describe 'The daily quota' {
    BeforeAll { $script:Export = Start-ExportSetup -SandboxArguments @('--daily-quota', '12', '--activity-delay', '50') }
    AfterAll { Stop-ExportSetup }

    It 'stops the run clearly, and -Resume after the reset completes it' {
        $csv = Join-Path $TestHome 'quota.csv'
        $expected = New-SampleCsv -Path $csv -Count 1500 -Seed 31
        $env:CC_EXPORT_BATCH_CONTACTS = '100'
        try {
            $err = $null
            try { Invoke-CCExport -Name resumable -Path $csv -ErrorAction SilentlyContinue | Out-Null }
            catch { $err = $_ }
        }
        finally { Remove-Item Env:CC_EXPORT_BATCH_CONTACTS }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'ExportStopped,*'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err.Exception.Message | Should -BeLike '*00:00 UTC*'
        $err.Exception.Message | Should -BeLike '*-Resume*'
        $stopped = Get-CCExportRun -Name resumable
        $stopped.State | Should -Be 'Stopped'

        Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/reset-quota" | Out-Null
        Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/faults" -ContentType 'application/json' -Body '{"rate":0}' | Out-Null

        # -Resume -WhatIf says what it would do and sends nothing: the run stays Stopped, to be resumed for real.
        $requests = (Invoke-RestMethod "$($Sandbox.Root)/__sandbox/state").requests_total
        $planned = Invoke-CCExport -Name resumable -Resume -WhatIf -ErrorAction Stop
        $planned.RunId | Should -Be $stopped.RunId
        $planned.State | Should -Be 'Stopped'
        (Invoke-RestMethod "$($Sandbox.Root)/__sandbox/state").requests_total | Should -Be $requests
        (Get-CCExportRun -Name resumable).State | Should -Be 'Stopped'

        # The quota of 12 still applies after the reset; resume as many times as it takes, as a runbook would each day.
        $run = $null
        for ($day = 0; $day -lt 20 -and $run.State -ne 'Completed'; $day++) {
            try { $run = Invoke-CCExport -Name resumable -Resume -ErrorAction SilentlyContinue } catch { $run = Get-CCExportRun -Name resumable }
            Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/reset-quota" | Out-Null
        }
        $run.RunId | Should -Be $stopped.RunId
        Assert-ImportedOnce -Run $run -Expected $expected -Export $Export
    }
}

Describe 'A process killed while it stages, after it has sent imports' {
    # A run whose files cannot hold more than MaxProfiles sends each body as soon as it is staged, so a kill while
    # staging can leave imports accepted. -Resume stages the files again and sends only what was not sent; if the
    # bodies come out different (the file changed), it sends nothing more and says why.
    BeforeAll {
        $script:Export = Start-ExportSetup -SandboxArguments @('--activity-delay', '50')

        function script:Stop-WhileStaging {
            # Starts a child pwsh on the file and kills it (SIGKILL) once two imports are journaled Submitted and the
            # run is not yet staged; returns the run folder.
            param([string] $Csv)
            $earlierRuns = @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory -ErrorAction SilentlyContinue).Name
            $child = Start-ChildPwsh -Environment @{ CC_EXPORT_BATCH_CONTACTS = '5000' } -Script @"
Import-Module '$(Get-TestModulePath)'
Invoke-CCExport -Name resumable -Path '$Csv' -ErrorAction SilentlyContinue | Out-Null
"@
            $deadline = [datetime]::UtcNow.AddSeconds(300)   # a hang guard: the loop waits for the journal, not a time
            $folder = $null
            $submitted = 0
            $staged = $false
            while (-not $child.Process.HasExited -and [datetime]::UtcNow -lt $deadline) {
                $folder = Get-ChildItem (Join-Path $TestHome 'runs') -Directory -ErrorAction SilentlyContinue | Where-Object Name -NotIn $earlierRuns | Select-Object -First 1
                $journal = if ($folder) { Join-Path $folder.FullName 'journal.jsonl' }
                if ($journal) {
                    $text = Read-RunJournalText $journal
                    $submitted = ([regex]::Matches($text, '"Type":"Submitted"')).Count
                    $staged = $text.Contains('"Type":"Staged"')
                    if ($staged -or $submitted -ge 2) { break }
                }
                Start-Sleep -Milliseconds 5
            }
            $child.Process.Kill()
            $null = Wait-ChildPwsh $child -TimeoutSeconds 30
            $staged | Should -BeFalse -Because 'the kill must land while the file is still being staged'
            $submitted | Should -BeGreaterOrEqual 2
            $folder.FullName
        }
    }
    AfterAll { Stop-ExportSetup }

    It 'resumes by staging the unchanged file again, sending each remaining import once' {
        $csv = Join-Path $TestHome 'staging-kill.csv'
        $expected = New-SampleCsv -Path $csv -Count 100000 -Seed 41
        $importedBefore = (Get-SandboxState $Sandbox).imported_contacts_total
        $folder = Stop-WhileStaging -Csv $csv
        Test-RunJournal -RunFolder $folder | Should -BeNullOrEmpty

        $VerbosePreference = 'Continue'
        try { $records = @(Invoke-CCExport -Name resumable -Resume -ErrorAction SilentlyContinue *>&1) }
        finally { $VerbosePreference = 'SilentlyContinue' }
        @($records | Where-Object { "$_" -like '*stopped while staging, after it had sent*checking that those come out the same*' }).Count | Should -Be 1
        $run = $records | Where-Object { $_ -is [ConstantContactExport.CCExportRun] }
        $run.RunId | Should -Be (Split-Path $folder -Leaf)
        $run.State | Should -Be 'Completed'
        $run.SubmittedCount | Should -Be $expected.SubmittedCount
        ($run.ActivityIds | Sort-Object -Unique).Count | Should -Be $run.BatchCount
        ((Get-SandboxState $Sandbox).imported_contacts_total - $importedBefore) | Should -Be $expected.SubmittedCount -Because 'no import may be sent twice'
        Test-RunJournal -RunFolder $folder -Finished | Should -BeNullOrEmpty
    }

    It 'refuses to send anything more when the file changed since, and says so' {
        $csv = Join-Path $TestHome 'staging-kill-changed.csv'
        $null = New-SampleCsv -Path $csv -Count 100000 -Seed 42
        $folder = Stop-WhileStaging -Csv $csv
        $activitiesAtKill = @((Get-SandboxState $Sandbox).activities).Count

        $null = New-SampleCsv -Path $csv -Count 100000 -Seed 43
        $err = $null
        try { Invoke-CCExport -Name resumable -Resume -ErrorAction SilentlyContinue | Out-Null } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'RunSourceChanged,*'
        $err.Exception.Message | Should -BeLike '*made a different batch 1*Nothing more was sent*'
        $run = Get-CCExportRun -Name resumable -RunId (Split-Path $folder -Leaf)
        $run.State | Should -Be 'Failed'
        @((Get-SandboxState $Sandbox).activities).Count | Should -Be $activitiesAtKill
    }
}

Describe 'A damaged run' {
    # A run stopped by the daily quota after some imports were accepted; then its files are damaged. -Resume must refuse
    # (RunDamaged, naming the file, nothing sent), never take the run for one that sent nothing or for no run at all.
    BeforeAll {
        $script:Export = Start-ExportSetup -SandboxArguments @('--daily-quota', '12', '--activity-delay', '50')
        $csv = Join-Path $TestHome 'damaged.csv'
        $script:Expected = New-SampleCsv -Path $csv -Count 1500 -Seed 33
        $env:CC_EXPORT_BATCH_CONTACTS = '100'
        try { try { Invoke-CCExport -Name resumable -Path $csv -ErrorAction SilentlyContinue | Out-Null } catch { } }
        finally { Remove-Item Env:CC_EXPORT_BATCH_CONTACTS }
        $script:Stopped = Get-CCExportRun -Name resumable
        $script:Folder = Join-Path $TestHome "runs/$($Stopped.RunId)"
        Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/reset-quota" | Out-Null

        function script:Assert-RefusedAsDamaged {
            param([string] $File)
            $before = Get-SandboxState $Sandbox
            foreach ($resume in { Invoke-CCExport -Name resumable -Resume -ErrorAction Stop }, { Invoke-CCExport -Name resumable -Resume -RunId $Stopped.RunId -ErrorAction Stop }) {
                $err = $null
                try { & $resume | Out-Null } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -BeLike 'RunDamaged,*'
                $err.CategoryInfo.Category | Should -Be 'InvalidData'
                $err.Exception.Message | Should -BeLike "*$File*nothing more was sent*Remove-CCExportRun -RunId $($Stopped.RunId) -Force*"
            }
            $after = Get-SandboxState $Sandbox
            @($after.activities).Count | Should -Be @($before.activities).Count
            $after.imported_contacts_total | Should -Be $before.imported_contacts_total
            # Get-CCExportRun shows it, damaged, with the same explanation.
            $shown = Get-CCExportRun -Name resumable
            $shown.RunId | Should -Be $Stopped.RunId
            $shown.State | Should -Be 'Damaged'
            $shown.Message | Should -BeLike "*$File*"
        }
    }
    AfterAll { Stop-ExportSetup }

    It 'was stopped after imports were accepted' {
        $Stopped.State | Should -Be 'Stopped'
        @($Stopped.ActivityIds).Count | Should -BeGreaterThan 0
    }

    It 'refuses a journal <Damage>, and takes it again once the file is restored' -ForEach @(
        @{ Damage = 'emptied' }
        @{ Damage = 'halved' }
    ) {
        $journal = Join-Path $Folder 'journal.jsonl'
        $kept = [System.IO.File]::ReadAllBytes($journal)
        $cut = if ($Damage -eq 'emptied') { 0 } else { [int]($kept.Length / 2) }
        [System.IO.File]::WriteAllBytes($journal, [byte[]]::new($cut))
        if ($cut -gt 0) { [System.IO.File]::WriteAllBytes($journal, $kept[0..($cut - 1)]) }
        Assert-RefusedAsDamaged -File $journal
        [System.IO.File]::WriteAllBytes($journal, $kept)
        (Get-CCExportRun -Name resumable).State | Should -Be 'Stopped'
    }

    It 'refuses a halved run.json instead of answering that there is no unfinished run' {
        $manifest = Join-Path $Folder 'run.json'
        $kept = [System.IO.File]::ReadAllText($manifest)
        [System.IO.File]::WriteAllText($manifest, $kept.Substring(0, [int]($kept.Length / 2)))
        Assert-RefusedAsDamaged -File $manifest
        [System.IO.File]::WriteAllText($manifest, $kept)
    }

    It 'shows a run whose run.json no longer names its export, also when the run is piped back' {
        $manifest = Join-Path $Folder 'run.json'
        $kept = [System.IO.File]::ReadAllText($manifest)
        [System.IO.File]::WriteAllText($manifest, '{"Ru')
        try {
            $ErrorActionPreference = 'Stop'
            # Listed on its own: it may be any export's.
            $shown = @(Get-CCExportRun | Where-Object RunId -EQ $Stopped.RunId)
            $shown.Count | Should -Be 1
            $shown[0].State | Should -Be 'Damaged'
            $shown[0].ExportName | Should -BeNullOrEmpty
            @(Get-CCExportRun -Name 'resum*').RunId | Should -Contain $Stopped.RunId
            # Asked for by name, the export's runs come, and a warning says the damaged one may be its.
            $named = @(Get-CCExportRun -Name resumable -WarningVariable told 3>$null)
            $named.RunId | Should -Not -Contain $Stopped.RunId
            @($told).Count | Should -Be 1
            "$($told[0])" | Should -BeLike "Run $($Stopped.RunId) is damaged*may be a run of 'resumable'*run.json*Get-CCExportRun -RunId $($Stopped.RunId) shows it."
            @(Get-CCExport -Name resumable | Get-CCExportRun -WarningVariable told 3>$null).RunId | Should -Not -Contain $Stopped.RunId
            @($told).Count | Should -Be 1
            # The piped run binds an empty -Name and its -RunId: it is the run, not an error.
            $again = @($shown[0] | Get-CCExportRun)
            $again.RunId | Should -Be $Stopped.RunId
            $again.State | Should -Be 'Damaged'
        }
        finally { [System.IO.File]::WriteAllText($manifest, $kept) }
    }

    It 'completes with every batch imported once after the files were restored' {
        $run = $null
        for ($day = 0; $day -lt 20 -and $run.State -ne 'Completed'; $day++) {
            try { $run = Invoke-CCExport -Name resumable -Resume -ErrorAction SilentlyContinue } catch { $run = Get-CCExportRun -Name resumable }
            Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/reset-quota" | Out-Null
        }
        $run.RunId | Should -Be $Stopped.RunId
        Assert-ImportedOnce -Run $run -Expected $Expected -Export $Export
    }
}
