# Issue #7, crashes: a child pwsh running Invoke-CCExport is killed with SIGKILL (no cleanup runs) at a point its
# seed picks: while staging (before or after imports went out: a -Path run sends as it stages), with an import POST in flight (sent, not yet carried out), with an answer lost (the
# import carried out, the child still looking it up in GET /activities), between imports, or while polling.
# The journal it leaves is whole up to its last line end; Invoke-CCExport -Resume completes the run; the list
# holds every contact that was to be sent, once, field by field; the contacts imported over all activities (the
# killed process's included) add up to SubmittedCount. The sandbox meanwhile holds 30% of requests for 1 s or
# loses the answer after carrying them out (only the one kind for the in-doubt moments), so that kills land while
# a POST is in doubt.
# The default run has 6 trials with fixed seeds (one a moment); build.ps1 -Task Soak runs 18 with random ones (three a
# moment; the seed is printed; CCE_SOAK_SEED repeats it). See also Resume.Tests.ps1 (the first two kill trials, the daily quota).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    $scale = Get-ReliabilityScale
    $moments = 'staging', 'sent while staging', 'POST in flight', 'answer lost', 'between imports', 'polling'
    $script:Trials = for ($i = 0; $i -lt $scale.CrashTrials; $i++) {
        $seed = $scale.CrashSeedBase + $i
        # Every moment in turn, so that each is aimed at (the soak starts the turn at its seed); the seed draws the rest.
        $moment = $moments[($i + $scale.CrashSeedBase) % $moments.Count]
        @{ Trial = $i + 1; Seed = $seed; Moment = $moment }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:TestHome = New-TestHome
    # Imports take 3 s: a child killed 'polling' (or falling back to it) is still polling when the test, however
    # slowly a busy machine runs its watch loop and its random pause, kills it.
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '3000')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
    $script:TierId = Set-ExportCustomField -Sandbox $Sandbox -TestHome $TestHome
    $script:Phases = [System.Collections.Generic.List[string]]::new()
    Write-Host "Crash trials: seeds $(($Trials | ForEach-Object { $_.Seed }) -join ', ')"

    function script:Suspend-Child {
        # Freezes the child (SIGSTOP) and returns its journal's shape then: it cannot write another line until resumed.
        param($Child, $Folder)
        & kill -STOP $Child.Process.Id
        Get-JournalShape (Read-RunJournalText (Join-Path $Folder.FullName 'journal.jsonl'))
    }

    function script:Resume-Child {
        param($Child)
        if (-not $Child.Process.HasExited) { & kill -CONT $Child.Process.Id }
    }

    function script:Get-JournalShape {
        param([string] $Text)
        $lines = $Text.Split("`n")
        $whole = $lines[0..($lines.Length - 2)]
        $staged = $whole | Where-Object { $_ -like '*"Type":"Staged"*' } | Select-Object -First 1
        $sending = @($whole | Where-Object { $_ -like '*"Type":"Sending"*' } | ForEach-Object { [int]($_ -replace '.*"Batch":(\d+).*', '$1') })
        $submitted = @($whole | Where-Object { $_ -like '*"Type":"Submitted"*' } | ForEach-Object { [int]($_ -replace '.*"Batch":(\d+).*', '$1') })
        [pscustomobject]@{
            Staged     = [bool]$staged
            BatchCount = if ($staged) { [int]($staged -replace '.*"BatchCount":(\d+).*', '$1') } else { 0 }
            Sending    = $sending.Count
            Submitted  = ($submitted | Sort-Object -Unique).Count
            InDoubt    = @($sending | Where-Object { $_ -notin $submitted }).Count -gt 0
            Done       = @($whole | Where-Object { $_ -like '*"Type":"ActivityDone"*' }).Count
        }
    }

}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A pwsh killed with SIGKILL, then -Resume' {
    It 'trial <Trial> (seed <Seed>, killed <Moment>): the journal is whole, -Resume completes, every contact once' -ForEach $Trials {
        $random = [System.Random]::new($Seed)
        $name = "crash-$Seed"
        $prefix = 'k' + (-join ($Seed.ToString().ToCharArray() | ForEach-Object { [char](97 + [int]"$_") }))
        $export = New-KnownExport -Name $name
        $listId = $export.ListIds[0]
        $csv = Join-Path $TestHome "$name.csv"
        # Staging kills need a file that takes a moment to stage; the others need many small batches.
        # (Sent while staging: long enough to stage that imports go out meanwhile, even with a slow first one.)
        $count, $batch = switch ($Moment) { 'staging' { 40000, 4000 } 'sent while staging' { 120000, 6000 } default { 800, 50 } }
        $known = New-KnownProfileCsv -Path $csv -Count $count -Seed $Seed -Prefix $prefix
        # 30% of requests held 1 s or answered and then cut off: only the kind a moment aims at, for the in-doubt ones.
        $kinds = switch ($Moment) { 'POST in flight' { , @('slow') } 'answer lost' { , @('lost-response') } default { , @('slow', 'lost-response') } }
        $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0.3 -Kinds $kinds -Seed $Seed -SlowMs 1000
        $before = Get-SandboxState $Sandbox
        $earlier = @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory -ErrorAction SilentlyContinue).Name

        $child = Start-ChildPwsh -Environment @{ CC_EXPORT_BATCH_CONTACTS = "$batch" } -Script @"
Import-Module '$ModulePath'
Invoke-CCExport -Name '$name' -Path '$csv' -ErrorAction SilentlyContinue | Out-Null
"@
        # Watch the new run's journal; kill when the moment comes (every wait is bounded).
        $after = switch ($Moment) { 'staging' { $random.Next(0, 120) } 'polling' { $random.Next(0, 400) } 'between imports' { $random.Next(1, 9) } default { $random.Next(1, 5) } }
        $deadline = [datetime]::UtcNow.AddSeconds(300)   # a hang guard: the loop waits for the moment, not a time
        $folder = $null
        $killed = $false
        $wasInFlight = $false
        $wasLost = $false
        $canFreeze = -not $IsWindows
        while (-not $child.Process.HasExited -and [datetime]::UtcNow -lt $deadline) {
            if (-not $folder) {
                $folder = Get-ChildItem (Join-Path $TestHome 'runs') -Directory -ErrorAction SilentlyContinue | Where-Object Name -NotIn $earlier | Select-Object -First 1
            }
            $shape = if ($folder) { Get-JournalShape (Read-RunJournalText (Join-Path $folder.FullName 'journal.jsonl')) } else { $null }
            $now = switch ($Moment) {
                # Once the run exists (run.json): a kill between its folder and its manifest leaves no run at all, only
                # an empty folder that every command passes over, and a new run is what the user starts then.
                'staging' { $folder -and (Test-Path (Join-Path $folder.FullName 'run.json')) }
                # Imports accepted while the file is still being read (a -Path run within MaxProfiles sends as it stages).
                'sent while staging' { $shape -and -not $shape.Staged -and $shape.Submitted -ge 1 + $after % 2 }
                # A POST held by a slow fault: in doubt, and no activity for it yet (seen twice, so not a fast one).
                # Where the child can be frozen (SIGSTOP), it is frozen as soon as a POST is seen in doubt and the moment
                # checked on a child that cannot move on: a busy machine running this loop slowly can no longer miss it.
                'POST in flight' {
                    $frozen = $canFreeze -and $shape -and $shape.InDoubt -and $shape.Sending -ge $after
                    if ($frozen) {
                        $shape = Suspend-Child $child $folder
                        $fire = $shape.InDoubt -and @(Get-ImportActivity $Sandbox $listId).Count -eq $shape.Submitted
                    }
                    else {
                        $inFlight = $shape -and $shape.InDoubt -and $shape.Sending -ge $after -and @(Get-ImportActivity $Sandbox $listId).Count -eq $shape.Submitted
                        $fire = $inFlight -and $wasInFlight
                        $wasInFlight = $inFlight
                    }
                    if ($frozen -and -not $fire) { Resume-Child $child }
                    $fire -or ($shape -and $shape.Staged -and $shape.Submitted -eq $shape.BatchCount)
                }
                # A POST the sandbox carried out whose answer the child has not journaled: a lost answer being looked up
                # (seen twice, so not the few milliseconds between an answered POST and its journal line; or, frozen as
                # above, checked on a child that cannot journal it meanwhile).
                'answer lost' {
                    $frozen = $canFreeze -and $shape -and $shape.InDoubt -and $shape.Sending -ge $after
                    if ($frozen) {
                        $shape = Suspend-Child $child $folder
                        $fire = $shape.InDoubt -and @(Get-ImportActivity $Sandbox $listId).Count -gt $shape.Submitted
                    }
                    else {
                        $lost = $shape -and $shape.InDoubt -and $shape.Sending -ge $after -and @(Get-ImportActivity $Sandbox $listId).Count -gt $shape.Submitted
                        $fire = $lost -and $wasLost
                        $wasLost = $lost
                    }
                    if ($frozen -and -not $fire) { Resume-Child $child }
                    $fire -or ($shape -and $shape.Staged -and $shape.Submitted -eq $shape.BatchCount)
                }
                'between imports' { $shape -and $shape.Staged -and $shape.Submitted -ge [math]::Min($after, $shape.BatchCount) }
                'polling' { $shape -and $shape.Staged -and $shape.Submitted -eq $shape.BatchCount }
            }
            if ($now) {
                if ($Moment -in 'staging', 'polling') { Start-Sleep -Milliseconds $after }
                $child.Process.Kill()   # SIGKILL: no finally block, no Dispose, no flush runs in the child
                $killed = $true
                break
            }
            Start-Sleep -Milliseconds 5
        }
        $null = Wait-ChildPwsh $child -TimeoutSeconds 30
        $killed | Should -BeTrue -Because "the child must be killed $Moment, not run to its end"

        # What the killed process left: a journal whole up to its last line end, and a run to resume.
        $folder | Should -Not -BeNullOrEmpty
        $left = Get-JournalShape (Read-RunJournalText (Join-Path $folder.FullName 'journal.jsonl'))
        Test-RunJournal -RunFolder $folder.FullName | Should -BeNullOrEmpty
        $acceptedUnjournaled = @(Get-ImportActivity $Sandbox $listId).Count - $left.Submitted
        $phase = if (-not $left.Staged -and $left.Sending -gt 0) { 'sent while staging' }
        elseif (-not $left.Staged) { 'staging' }
        elseif ($left.InDoubt -and $acceptedUnjournaled -gt 0) { 'answer lost' }
        elseif ($left.InDoubt) { 'POST in flight' }
        elseif ($left.Submitted -lt $left.BatchCount) { 'between imports' }
        else { 'polling' }
        if ($Moment -in 'staging', 'sent while staging') { $phase | Should -BeIn 'staging', 'sent while staging' -Because 'the kill must land before staging ends' }
        (Get-CCExportRun -Name $name).State | Should -BeIn 'Staging', 'Sending'

        $VerbosePreference = 'Continue'
        try { $records = @(Invoke-CCExport -Name $name -Resume -ErrorPerReject -ErrorAction SilentlyContinue -ErrorVariable rejected *>&1) }
        finally { $VerbosePreference = 'SilentlyContinue' }
        $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0
        $run = $records | Where-Object { $_ -is [ConstantContactExport.CCExportRun] }
        $run.RunId | Should -Be $folder.Name
        $run.State | Should -Be 'Completed' -Because $run.Message
        foreach ($field in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'SubmittedCount') {
            $run.$field | Should -Be $known.Ledger.$field -Because $field
        }
        $run.ImportedCount | Should -Be $run.SubmittedCount
        ($run.ActivityIds | Sort-Object -Unique).Count | Should -Be $run.BatchCount
        # Staged again after a staging kill: each Invalid profile is one error again; otherwise none (staged already).
        $rejected.Count | Should -Be $(if ($phase -in 'staging', 'sent while staging') { $run.InvalidCount } else { 0 })
        $state = Get-SandboxState $Sandbox
        ($state.imported_contacts_total - $before.imported_contacts_total) | Should -Be $run.SubmittedCount -Because 'no batch may be imported twice'
        @(Get-ImportActivity $Sandbox $listId).Count | Should -Be $run.BatchCount
        Compare-ListMember -Sandbox $Sandbox -ListId $listId -Expected $known.Expected -TierFieldId $TierId | Should -BeNullOrEmpty
        Test-RunJournal -RunFolder $folder.FullName -Finished | Should -BeNullOrEmpty

        $found = @($records | Where-Object { "$_" -match 'had been accepted before the run stopped' }).Count
        Write-ReliabilityFigures @{
            Test = 'crash'; Trial = $Trial; Seed = $Seed; Planned = $Moment; Phase = $phase; InDoubtAtKill = $left.InDoubt; AcceptedUnjournaledAtKill = $acceptedUnjournaled
            BatchesSubmittedBeforeKill = $left.Submitted; Batches = $run.BatchCount; FoundAcceptedOnResume = $found
            Profiles = $run.InputCount; Submitted = $run.SubmittedCount; Lost = 0; SentTwice = 0
            Faults = (($state.faults_injected.PSObject.Properties | Measure-Object -Property Value -Sum).Sum - ($before.faults_injected.PSObject.Properties | Measure-Object -Property Value -Sum).Sum)
        }
        $script:Phases.Add($phase)
    }

    It 'resumes a run killed before its journal existed (run.json only) by staging its file again' {
        # The earliest kill: ExportRun.Start had written run.json and not yet opened the journal. Made by hand,
        # since the window is a few microseconds wide.
        $export = New-KnownExport -Name 'crash-early'
        $csv = Join-Path $TestHome 'crash-early.csv'
        $known = New-KnownProfileCsv -Path $csv -Count 500 -Seed 5 -Prefix 'early'
        $runId = [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss') + '-e0e0e0'
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestHome "runs/$runId")
        [ordered]@{
            RunId = $runId; ExportName = 'crash-early'; Connection = 'sandbox'; ListIds = @($export.ListIds); StartedAt = [DateTimeOffset]::UtcNow.ToString('o')
            StartedBy = [Environment]::UserName; RejectPath = (Join-Path $folder.FullName 'rejects.csv'); WhatIf = $false; MaxProfiles = 1000000; Sources = @($csv)
        } | ConvertTo-Json | Set-Content (Join-Path $folder.FullName 'run.json')
        $before = Get-SandboxState $Sandbox

        $run = Invoke-CCExport -Name 'crash-early' -Resume -ErrorAction SilentlyContinue
        $run.RunId | Should -Be $runId
        $run.State | Should -Be 'Completed'
        $run.SubmittedCount | Should -Be $known.Ledger.SubmittedCount
        ((Get-SandboxState $Sandbox).imported_contacts_total - $before.imported_contacts_total) | Should -Be $run.SubmittedCount
        Compare-ListMember -Sandbox $Sandbox -ListId $export.ListIds[0] -Expected $known.Expected -TierFieldId $TierId | Should -BeNullOrEmpty
        Test-RunJournal -RunFolder $folder.FullName -Finished | Should -BeNullOrEmpty
    }

    It 'passes over a run folder a kill left without its run.json (no run was started)' {
        # Earlier still: the folder was made and run.json not yet written. There is no run; every command goes on.
        $null = New-KnownExport -Name 'crash-earliest'
        $runId = [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss') + '-e1e1e1'
        $null = New-Item -ItemType Directory -Path (Join-Path $TestHome "runs/$runId")
        # And a folder someone else put there, whose name no run can have: passed over too, not a RunUnreadable error.
        $null = New-Item -ItemType Directory -Path (Join-Path $TestHome 'runs/copy of a run')
        @(Get-CCExportRun -Name 'crash-earliest' -ErrorAction Stop) | Should -BeNullOrEmpty
        { Get-CCExportRun -ErrorAction Stop } | Should -Not -Throw
        { Invoke-CCExport -Name 'crash-earliest' -Resume -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,*'
    }

    It 'killed the process at every kind of moment across the trials' {
        # The moments are timing: each trial aims at one and records where the kill landed. Across the trials
        # every kind must have happened, the dangerous one (an import carried out, its answer not yet journaled) included.
        foreach ($moment in 'staging', 'sent while staging', 'answer lost', 'polling') { $script:Phases | Should -Contain $moment }
        @($script:Phases | Where-Object { $_ -in 'POST in flight', 'between imports' }).Count | Should -BeGreaterThan 0
    }
}
