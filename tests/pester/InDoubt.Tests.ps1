# Issue #15 (lost and sent twice, reported Completed) and #14 (a lost answer looked up by time alone): two
# connections to one account in one home, two exports to two lists at once in two processes, under faults that lose
# answers to imports that were carried out. A run claims an activity only when it can prove it its own; in doubt it
# sends the batch again (imports are upserts). Each list ends with exactly its export's members, each run's
# ImportedCount is true, and no activity is claimed by both runs or by a run whose list it did not go to. Meanwhile
# "another application" imports 7 contacts at a time into a third list on the same account: its activities land
# in the runs' look-up windows and must never be taken for theirs (it is what adoption by time alone did).
# An import answered 200 {} is in doubt, never Submitted with an empty activity id.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '100')
    foreach ($name in 'a1', 'a2') {
        $null = New-CCConnection -Name $name -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
    }
    $script:TierId = Set-ExportCustomField -Sandbox $Sandbox -TestHome $TestHome -Connection a1

    function script:Start-Export {
        # One export in a child pwsh; it prints its run as RUN=<json>.
        param([string] $Name, [string] $Csv, [int] $BatchContacts)
        Start-ChildPwsh -Environment @{ CC_EXPORT_BATCH_CONTACTS = "$BatchContacts" } -Script @"
Import-Module '$ModulePath'
`$VerbosePreference = 'Continue'
Invoke-CCExport -Name '$Name' -Path '$Csv' -ErrorAction SilentlyContinue *>&1 | ForEach-Object {
    if (`$_ -is [ConstantContactExport.CCExportRun]) { 'RUN=' + (`$_ | Select-Object * -ExcludeProperty Duration | ConvertTo-Json -Compress) }
    else { "`$_" }
}
"@
    }

    function script:Read-ChildRun {
        param($Result, [string] $Name)
        $line = ($Result.Output -split "`n" | Where-Object { $_ -like 'RUN=*' } | Select-Object -Last 1)
        $line | Should -Not -BeNullOrEmpty -Because "$Name printed its run ($($Result.Errors))"
        $line.Substring(4) | ConvertFrom-Json
    }

    function script:Get-Journal {
        param([string] $RunId)
        @(Get-Content (Join-Path $TestHome "runs/$RunId/journal.jsonl") | ForEach-Object { $_ | ConvertFrom-Json })
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Two connections to one account, two exports to two lists at once, answers lost' {
    It 'ends each list with exactly its export''s members, true counts, and no activity claimed by the wrong run' {
        $exports = foreach ($side in 'a1', 'a2') {
            $name = "shared-$side"
            $export = New-KnownExport -Name $name -Connection $side
            $csv = Join-Path $TestHome "$name.csv"
            $known = New-KnownProfileCsv -Path $csv -Count 1000 -Seed ([int][char]$side[1]) -Prefix "s$([char](96 + [int]"$($side[1])"))"
            [pscustomobject]@{ Name = $name; ListId = $export.ListIds[0]; Csv = $csv; Known = $known }
        }
        foreach ($e in $exports) { ($e.Known.Ledger.SubmittedCount % 50) | Should -Not -Be 7 -Because 'no batch may look like the neighbour''s imports' }
        $token = (Get-Content (Join-Path $TestHome 'secrets/a1.token') -Raw | ConvertFrom-Json).access_token
        $neighbourList = (Invoke-RestMethod -Method Post "$($Sandbox.ApiBaseUri)/contact_lists" -Headers @{ Authorization = "Bearer $token" } `
            -ContentType 'application/json' -Body '{"name":"neighbour"}').list_id
        $stop = Join-Path $TestHome 'neighbour.stop'
        $before = Get-SandboxState $Sandbox
        $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0.3 -Kinds '500', 'reset', 'lost-response' -Seed 6
        try {
            $neighbour = Start-ChildPwsh -Script @"
`$i = 0
while (-not (Test-Path '$stop')) {
    `$contacts = foreach (`$k in 1..7) { @{ email = "n`$i-`$k@example.com" } }
    `$body = @{ import_data = @(`$contacts); list_ids = @('$neighbourList') } | ConvertTo-Json -Depth 4 -Compress
    try { `$null = Invoke-RestMethod -Method Post '$($Sandbox.ApiBaseUri)/activities/contacts_json_import' -Headers @{ Authorization = 'Bearer $token' } -ContentType 'application/json' -Body `$body } catch { }
    `$i++
    Start-Sleep -Milliseconds 1000
}
"@
            $children = foreach ($e in $exports) { Start-Export -Name $e.Name -Csv $e.Csv -BatchContacts 50 }
            $results = foreach ($child in $children) { Wait-ChildPwsh $child -TimeoutSeconds 240 }
        }
        finally {
            New-Item -ItemType File -Path $stop -Force | Out-Null
            if ($neighbour) { $null = Wait-ChildPwsh $neighbour -TimeoutSeconds 30 }
            $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0
        }
        $after = Get-SandboxState $Sandbox
        $activityById = @{}
        foreach ($a in $after.activities) { $activityById[$a.activity_id] = $a }

        $runs = @()
        $resent = 0
        for ($i = 0; $i -lt 2; $i++) {
            $e = $exports[$i]
            $run = Read-ChildRun $results[$i] $e.Name
            $runs += $run
            $run.State | Should -Be 'Completed' -Because "$($e.Name): $($run.Message)"
            $run.SubmittedCount | Should -Be $e.Known.Ledger.SubmittedCount
            # Imported is what the activities it claims imported: true only when each is its own.
            $run.ImportedCount | Should -Be $run.SubmittedCount
            @($run.ActivityIds | Sort-Object -Unique).Count | Should -Be $run.BatchCount
            foreach ($id in $run.ActivityIds) {
                $activityById[$id].list_ids | Should -Be @($e.ListId) -Because "activity $id claimed by $($e.Name) went to its list"
            }
            Compare-ListMember -Sandbox $Sandbox -ListId $e.ListId -Expected $e.Known.Expected -TierFieldId $TierId | Should -BeNullOrEmpty
            Test-RunJournal -RunFolder (Join-Path $TestHome "runs/$($run.RunId)") -Finished | Should -BeNullOrEmpty
            $journal = Get-Journal $run.RunId
            @($journal | Where-Object { $_.Type -eq 'Submitted' -and -not $_.ActivityId }).Count | Should -Be 0
            $resent += @($journal | Where-Object { $_.Type -eq 'Sending' -and $_.Message }).Count
        }

        # No activity is claimed by both runs.
        @($runs[0].ActivityIds | Where-Object { $runs[1].ActivityIds -contains $_ }).Count | Should -Be 0
        # Whatever was imported beyond what the runs claim was a batch sent again (safe), never one lost.
        $neighbourActivities = @($after.activities | Where-Object { $_.list_ids -contains $neighbourList })
        $neighbourActivities.Count | Should -BeGreaterThan 5 -Because 'the neighbour imported throughout'
        $imported = $after.imported_contacts_total - $before.imported_contacts_total - ($neighbourActivities | Measure-Object person_count -Sum).Sum
        $imported | Should -BeGreaterOrEqual ($runs[0].SubmittedCount + $runs[1].SubmittedCount)
        $injected = @{}
        foreach ($p in $after.faults_injected.PSObject.Properties) { $injected[$p.Name] = [int]$p.Value - [int]$before.faults_injected.($p.Name) }
        $injected['lost-response'] | Should -BeGreaterOrEqual 1
        Write-ReliabilityFigures @{
            Test = 'in-doubt-shared-account'; Processes = 2; Profiles = 2000; Submitted = $runs[0].SubmittedCount + $runs[1].SubmittedCount
            Batches = $runs[0].BatchCount + $runs[1].BatchCount; Requests = $after.requests_total - $before.requests_total; Faults = $injected
            ImportedOverAllActivities = $imported; SentAgainInDoubt = $resent; NeighbourImports = $neighbourActivities.Count; Lost = 0
        }
    }
}

Describe 'An import answered 200 {}' {
    It 'is in doubt, never Submitted without an activity id, and the run completes with true counts' {
        $export = New-KnownExport -Name 'empty-answers' -Connection a1
        $csv = Join-Path $TestHome 'empty-answers.csv'
        $known = New-KnownProfileCsv -Path $csv -Count 400 -Seed 15 -Prefix 'ea'
        $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0.3 -Kinds 'empty-200' -Seed 3
        try {
            $result = Wait-ChildPwsh (Start-Export -Name 'empty-answers' -Csv $csv -BatchContacts 50) -TimeoutSeconds 180
        }
        finally {
            $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0
        }
        $state = Get-SandboxState $Sandbox
        $run = Read-ChildRun $result 'empty-answers'
        $run.State | Should -Be 'Completed' -Because $run.Message
        $run.ImportedCount | Should -Be $run.SubmittedCount
        $journal = Get-Journal $run.RunId
        @($journal | Where-Object { $_.Type -eq 'Submitted' }) | ForEach-Object { [guid]::Parse($_.ActivityId) | Should -Not -BeNullOrEmpty }
        $state.faults_injected.'empty-200' | Should -BeGreaterOrEqual 1
        $listId = $export.ListIds[0]
        foreach ($id in $run.ActivityIds) { (@($state.activities) | Where-Object activity_id -EQ $id).list_ids | Should -Be @($listId) }
        Compare-ListMember -Sandbox $Sandbox -ListId $listId -Expected $known.Expected -TierFieldId $TierId | Should -BeNullOrEmpty
        Test-RunJournal -RunFolder (Join-Path $TestHome "runs/$($run.RunId)") -Finished | Should -BeNullOrEmpty
    }
}
