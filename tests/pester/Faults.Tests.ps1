# Issue #7, faults: the sandbox gives 15% of API requests a fault of every kind (500, 503, dropped connections,
# slow answers, lost answers to requests it carried out, throttling) and access tokens live 5 seconds. A
# 100,000-profile export completes; the list holds every contact that was to be sent, once, field by field; the
# contacts imported over all activities (lost answers included) add up to SubmittedCount. Two processes exporting
# over one connection both complete. Nothing the runs wrote or showed holds a token, or an address outside the
# error records and the reject report. Sizes: Get-ReliabilityScale (build.ps1 -Task Soak runs larger ones).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    $script:FaultSeeds = (Get-ReliabilityScale).FaultSeeds | ForEach-Object { @{ Seed = $_ } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    Import-Module $script:ModulePath -Force
    $script:Scale = Get-ReliabilityScale
    $script:TestHome = New-TestHome
    # Everything shown or thrown (checked for tokens), and what was shown outside error records (checked for addresses too).
    $script:Captured = [System.Collections.Generic.List[string]]::new()
    $script:Shown = [System.Collections.Generic.List[string]]::new()
    $script:Addresses = [System.Collections.Generic.List[string]]::new()
    $script:Sandbox = Start-TestSandbox -Arguments @('--token-lifetime', '5', '--activity-delay', '100')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
    $script:TierId = Set-ExportCustomField -Sandbox $Sandbox -TestHome $TestHome

    function script:ConvertTo-Text {
        param($Record)
        if ($Record -is [System.Management.Automation.ErrorRecord]) {
            @("$Record", $Record.FullyQualifiedErrorId, "$($Record.ErrorDetails)", "$($Record.TargetObject)", $Record.Exception.ToString()) -join "`n"
        }
        elseif ($Record -is [System.Management.Automation.InformationRecord]) { "$($Record.MessageData)" }
        else { ($Record | Format-List * -Force | Out-String -Width 500) + "$Record" }
    }

    function script:Get-FaultCount {
        param($State)
        $counts = @{}
        foreach ($p in $State.faults_injected.PSObject.Properties) { $counts[$p.Name] = [int]$p.Value }
        $counts
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'An export under faults: 15% of requests, every kind, 5-second tokens' {
    It 'completes 100,000 profiles (seed <Seed>): every contact in the list once, field by field; imports add up to SubmittedCount' -ForEach $FaultSeeds {
        $name = "faults-$Seed"
        $export = New-KnownExport -Name $name
        $listId = $export.ListIds[0]
        $csv = Join-Path $TestHome "$name.csv"
        $known = New-KnownProfileCsv -Path $csv -Count $Scale.FaultProfiles -Seed $Seed -Prefix "f$([char](97 + $Seed % 26))"
        $script:Addresses.AddRange([string[]]@($known.Expected.Keys | Select-Object -First 2000))
        $before = Get-SandboxState $Sandbox
        $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0.15 -Seed $Seed
        $env:CC_EXPORT_BATCH_CONTACTS = "$($Scale.FaultBatch)"
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        try {
            $VerbosePreference = 'Continue'
            $DebugPreference = 'Continue'
            $records = @(Invoke-CCExport -Name $name -Path $csv -ErrorPerReject -ErrorAction Continue *>&1)
        }
        finally {
            $VerbosePreference = 'SilentlyContinue'
            $DebugPreference = 'SilentlyContinue'
            Remove-Item Env:CC_EXPORT_BATCH_CONTACTS
            $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0
        }
        $watch.Stop()
        $after = Get-SandboxState $Sandbox
        $errors = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $others = @($records | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [ConstantContactExport.CCExportRun] })
        $run = $records | Where-Object { $_ -is [ConstantContactExport.CCExportRun] }
        foreach ($record in $others + @($run)) { $text = ConvertTo-Text $record; $script:Captured.Add($text); $script:Shown.Add($text) }
        # Error records carry addresses by design; they are checked for tokens only.
        $script:Captured.Add((($errors | Select-Object -First 500 | ForEach-Object { ConvertTo-Text $_ }) -join "`n"))

        $run.State | Should -Be 'Completed' -Because $run.Message
        foreach ($count in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'SubmittedCount') {
            $run.$count | Should -Be $known.Ledger.$count -Because $count
        }
        $run.ImportedCount | Should -Be $run.SubmittedCount
        ($run.ActivityIds | Sort-Object -Unique).Count | Should -Be $run.BatchCount

        # No batch imported twice, lost answers included: what the sandbox imported for this list over all its
        # activities is SubmittedCount, in exactly one activity a batch.
        ($after.imported_contacts_total - $before.imported_contacts_total) | Should -Be $run.SubmittedCount
        @(Get-ImportActivity $Sandbox $listId).Count | Should -Be $run.BatchCount
        $problems = Compare-ListMember -Sandbox $Sandbox -ListId $listId -Expected $known.Expected -TierFieldId $TierId
        $problems | Should -BeNullOrEmpty

        # Every Invalid profile is one non-terminating error with its reason, and one row of the reject report.
        $errors.Count | Should -Be $known.Ledger.InvalidCount
        foreach ($reason in $known.Reasons.Keys) {
            @($errors | Where-Object { $_.FullyQualifiedErrorId -like "$reason,*" }).Count | Should -Be $known.Reasons[$reason] -Because $reason
        }
        @(Import-Csv $run.RejectPath).Count | Should -Be $known.Ledger.InvalidCount

        $runFolder = Split-Path $run.RejectPath -Parent
        Test-RunJournal -RunFolder $runFolder -Finished | Should -BeNullOrEmpty

        # The faults really happened, lost answers to accepted imports among them.
        $faults = Get-FaultCount $after
        $before_ = Get-FaultCount $before
        $injected = @{}
        foreach ($kind in $faults.Keys) { $injected[$kind] = $faults[$kind] - [int]$before_[$kind] }
        ($injected.Values | Measure-Object -Sum).Sum | Should -BeGreaterOrEqual 10
        $injected['lost-response'] | Should -BeGreaterOrEqual 1
        $recovered = @($others | Where-Object { "$_" -match 'the answer was lost' }).Count
        $refreshes = [int]$after.requests_by_route.'POST /oauth2/default/v1/token' - [int]$before.requests_by_route.'POST /oauth2/default/v1/token'
        $refreshes | Should -BeGreaterThan 1
        Write-ReliabilityFigures @{
            Test = 'faults'; Seed = $Seed; Profiles = $run.InputCount; Submitted = $run.SubmittedCount; Batches = $run.BatchCount
            Requests = $after.requests_total - $before.requests_total; Faults = $injected; LostAnswersFound = $recovered; TokenRefreshes = $refreshes
            ImportedOverAllActivities = $after.imported_contacts_total - $before.imported_contacts_total; Lost = 0; SentTwice = 0
            Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1)
        }
    }
}

Describe 'Two processes exporting different exports over one connection' {
    It 'both complete under faults, with every contact of each in its own list once' {
        $children = @()
        $exports = @()
        foreach ($side in 'a', 'b') {
            $name = "concurrent-$side"
            $export = New-KnownExport -Name $name
            $csv = Join-Path $TestHome "$name.csv"
            $known = New-KnownProfileCsv -Path $csv -Count 8000 -Seed ([int][char]$side) -Prefix "c$side"
            $exports += [pscustomobject]@{ Name = $name; ListId = $export.ListIds[0]; Csv = $csv; Known = $known }
        }
        $before = Get-SandboxState $Sandbox
        $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0.15 -Seed 11
        try {
            foreach ($e in $exports) {
                $children += Start-ChildPwsh -Environment @{ CC_EXPORT_BATCH_CONTACTS = '300' } -Script @"
Import-Module '$ModulePath'
`$VerbosePreference = 'Continue'
Invoke-CCExport -Name '$($e.Name)' -Path '$($e.Csv)' -ErrorAction SilentlyContinue *>&1 | ForEach-Object {
    if (`$_ -is [ConstantContactExport.CCExportRun]) { 'RUN=' + (`$_ | Select-Object * -ExcludeProperty Duration | ConvertTo-Json -Compress) }
    else { "`$_" }
}
"@
            }
            $results = foreach ($child in $children) { Wait-ChildPwsh $child -TimeoutSeconds 240 }
        }
        finally {
            $null = Set-SandboxFaults -Sandbox $Sandbox -Rate 0
        }
        $after = Get-SandboxState $Sandbox
        $submitted = 0
        for ($i = 0; $i -lt 2; $i++) {
            $e = $exports[$i]
            $result = $results[$i]
            # The children showed every stream but errors (SilentlyContinue): addresses may not appear anywhere in it.
            $script:Captured.Add($result.Output + "`n" + $result.Errors)
            $script:Shown.Add($result.Output + "`n" + $result.Errors)
            $line = ($result.Output -split "`n" | Where-Object { $_ -like 'RUN=*' } | Select-Object -Last 1)
            $line | Should -Not -BeNullOrEmpty -Because "$($e.Name) printed its run ($($result.Errors))"
            $run = $line.Substring(4) | ConvertFrom-Json
            $run.State | Should -Be 'Completed' -Because "$($e.Name): $($run.Message)"
            $run.SubmittedCount | Should -Be $e.Known.Ledger.SubmittedCount
            $run.ImportedCount | Should -Be $run.SubmittedCount
            @(Get-ImportActivity $Sandbox $e.ListId).Count | Should -Be $run.BatchCount
            Compare-ListMember -Sandbox $Sandbox -ListId $e.ListId -Expected $e.Known.Expected -TierFieldId $TierId | Should -BeNullOrEmpty
            Test-RunJournal -RunFolder (Join-Path $TestHome "runs/$($run.RunId)") -Finished | Should -BeNullOrEmpty
            $submitted += $run.SubmittedCount
        }
        # Neither took the other's activity for its own lost answer, nor sent a batch twice.
        ($after.imported_contacts_total - $before.imported_contacts_total) | Should -Be $submitted
        $faults = (Get-FaultCount $after).Values | Measure-Object -Sum
        $faultsBefore = (Get-FaultCount $before).Values | Measure-Object -Sum
        Write-ReliabilityFigures @{
            Test = 'concurrency'; Processes = 2; Profiles = 16000; Submitted = $submitted
            Requests = $after.requests_total - $before.requests_total; Faults = $faults.Sum - $faultsBefore.Sum
            Throttled = $after.throttled_responses - $before.throttled_responses; Lost = 0; SentTwice = 0
        }
    }
}

Describe 'Nothing leaks from the runs above' {
    It 'shows no issued token in any stream, error record, or file under CC_EXPORT_HOME but the token file' {
        $tokens = @((Get-SandboxState $Sandbox).issued_tokens)
        $tokens.Count | Should -BeGreaterThan 10 -Because '5-second tokens were refreshed throughout'
        $files = Get-ChildItem $TestHome -Recurse -File | Where-Object { $_.FullName -ne (Join-Path $TestHome 'secrets/sandbox.token') -and $_.Extension -ne '.csv' -or $_.Name -eq 'rejects.csv' }
        $texts = foreach ($file in $files) { [System.IO.File]::ReadAllText($file.FullName) }
        $everything = ($script:Captured -join "`n") + "`n" + ($texts -join "`n")
        $everything.Length | Should -BeGreaterThan 100000
        @($tokens | Where-Object { $everything.Contains($_) }).Count | Should -Be 0
    }

    It 'shows no email address in Verbose, Debug, Warning, Information or output records' {
        $text = $script:Shown -join "`n"
        $text.Length | Should -BeGreaterThan 1000
        $text | Should -Not -Match '@example\.com'
        $text | Should -Not -Match '@localhost'
        foreach ($address in $script:Addresses) { $text.Contains($address) | Should -BeFalse }
    }

    It 'keeps the token file 0600 in a 0700 folder after every refresh, with no temporary file left' -Skip:$IsWindows {
        (Get-Item (Join-Path $TestHome 'secrets')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        (Get-ChildItem (Join-Path $TestHome 'secrets') -Force).Name | Should -Be @('sandbox.token')
        (Get-Item (Join-Path $TestHome 'secrets/sandbox.token')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
    }
}
