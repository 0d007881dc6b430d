# Set-CCExport -RemoveMissing end to end (issue 13): the built module, the sandbox, the export's sync state.
# A leaver (a contact this export put on its list that left the segment) is taken off the list, and only the list:
# it stays a contact with its subscription. Contacts that joined another way are never touched; a truncated input is
# refused (RemoveLimitExceeded) until -Force; a kill at each new step is finished by -Resume.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '50')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice

    function script:New-Export {
        param([string] $Name, [switch] $Keep)
        Set-CCExport -Name $Name -Connection sandbox -ListName $Name -CreateList -EmailField Email -FirstNameField FirstName `
            -Segment Newsletter -SegmentField Segments -RemoveMissing:(-not $Keep) -PassThru
    }

    function script:New-ProfileCsv {
        # Clean profiles <Prefix><From>..<Prefix><To> of segment Newsletter, but those named in -Leave (another segment).
        # Each test has its own prefix: a contact is account-wide (one test unsubscribes one).
        param([string] $Path, [string] $Prefix = 'p', [int] $From = 1, [int] $To = 20, [int[]] $Leave = @())
        $From..$To | ForEach-Object {
            [pscustomobject]@{ Email = "$Prefix$_@example.com"; FirstName = "First$_"; Segments = $(if ($_ -in $Leave) { 'Other' } else { 'Newsletter' }) }
        } | Export-Csv -Path $Path -NoTypeInformation
        $Path
    }

    function script:Get-RouteCount {
        param([string] $Like)
        $routes = (Get-SandboxState $Sandbox).requests_by_route.PSObject.Properties | Where-Object Name -like $Like
        [int]($routes | Measure-Object -Property Value -Sum).Sum
    }

    function script:Get-ListAddress {
        param([string] $ListId)
        @(Get-SandboxListMember $Sandbox $ListId | ForEach-Object { $_.email_address.address })
    }

    function script:Get-StateCount {
        # The sync state's record count: the header's u64 at offset 16.
        param([string] $Name)
        $bytes = [System.IO.File]::ReadAllBytes((Join-Path $TestHome "exports/$Name/sync.state"))
        [BitConverter]::ToUInt64($bytes, 16)
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Removing the contacts that left the segment' {
    It 'takes a leaver off the list, keeps it a subscribed contact, and never touches the outsider who joined another way' {
        $export = New-Export -Name leaver
        $export.RemoveMissing | Should -BeTrue
        $export.MaxRemovePercent | Should -Be 10
        $listId = $export.ListIds[0]
        $first = Invoke-CCExport -Name leaver -Path (New-ProfileCsv -Prefix lv -Path (Join-Path $TestHome 'leaver1.csv'))
        $first.RemovedCount | Should -Be 0
        Add-SandboxListMember $Sandbox -ListId $listId -Email 'outsider@example.com' | Should -Be 1
        $removals = Get-RouteCount '*remove_list_memberships*'

        # p20 is gone from the input, p19 moved to another segment.
        $run = Invoke-CCExport -Name leaver -Path (New-ProfileCsv -Prefix lv -Path (Join-Path $TestHome 'leaver2.csv') -To 19 -Leave 19)
        $run.State | Should -Be 'Completed'
        $run.RemovedCount | Should -Be 2
        $run.UnchangedCount | Should -Be 18
        $run.Message | Should -BeLike '*Removed 2 contact(s) that left the segment*'
        Get-RouteCount '*remove_list_memberships*' | Should -Be ($removals + 1)
        $members = Get-ListAddress $listId
        $members | Should -Not -Contain 'lv19@example.com'
        $members | Should -Not -Contain 'lv20@example.com'
        $members | Should -Contain 'outsider@example.com'
        $members.Count | Should -Be 19
        $left = Get-SandboxContact $Sandbox 'lv20@example.com'
        $left | Should -Not -BeNullOrEmpty -Because 'removal takes the membership only, never the contact'
        $left.email_address.permission_to_send | Should -Not -Be 'unsubscribed'
        $left.list_memberships | Should -Not -Contain $listId
        Get-StateCount leaver | Should -Be 18
        (Get-CCExportRun -Name leaver -RunId $run.RunId | Format-List | Out-String) | Should -Match 'RemovedCount\s+:\s+2'

        # Nothing more to remove: no request at all.
        $again = Invoke-CCExport -Name leaver -Path (Join-Path $TestHome 'leaver2.csv')
        $again.RemovedCount | Should -Be 0
        $again.RequestCount | Should -Be 0
    }

    It 'refuses a truncated input with RemoveLimitExceeded and removes nothing, then -Force removes' {
        $export = New-Export -Name truncated
        $listId = $export.ListIds[0]
        $null = Invoke-CCExport -Name truncated -Path (New-ProfileCsv -Prefix tr -Path (Join-Path $TestHome 'full.csv') -To 20)
        $cut = New-ProfileCsv -Prefix tr -Path (Join-Path $TestHome 'cut.csv') -To 12
        $removals = Get-RouteCount '*remove_list_memberships*'

        $caught = $null
        try { Invoke-CCExport -Name truncated -Path $cut -ErrorAction Stop | Out-Null } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'RemoveLimitExceeded,*'
        $caught.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $caught.TargetObject.State | Should -Be 'Failed'
        $caught.TargetObject.RemovedCount | Should -Be 0
        # The list by its name, as -WhatIf gives it.
        $caught.Exception.Message | Should -BeLike "*remove 8 of the 20 contacts of list 'truncated' (40%; MaxRemovePercent 10 allows 2)*Invoke-CCExport -Name 'truncated' -Path '$cut' -Force*"
        Get-RouteCount '*remove_list_memberships*' | Should -Be $removals
        (Get-ListAddress $listId).Count | Should -Be 20

        # The same under $ErrorActionPreference = 'Stop', as a runbook has it.
        $runbook = & {
            $ErrorActionPreference = 'Stop'
            try { Invoke-CCExport -Name truncated -Path $cut | Out-Null; 'not stopped' } catch { $_.FullyQualifiedErrorId.Split(',')[0] }
        }
        $runbook | Should -Be 'RemoveLimitExceeded'
        (Get-ListAddress $listId).Count | Should -Be 20

        $forced = Invoke-CCExport -Name truncated -Path $cut -Force -WarningVariable warned -WarningAction SilentlyContinue
        $forced.State | Should -Be 'Completed'
        $forced.RemovedCount | Should -Be 8
        ($warned -join ' ') | Should -BeLike '*-Force: removing past MaxRemovePercent*'
        (Get-ListAddress $listId).Count | Should -Be 12
    }

    It 'never re-subscribes an unsubscribed leaver and does not count it a failure' {
        $export = New-Export -Name unsubscribed
        $null = Invoke-CCExport -Name unsubscribed -Path (New-ProfileCsv -Prefix us -Path (Join-Path $TestHome 'unsub1.csv') -To 20)
        Set-SandboxUnsubscribed $Sandbox -Email 'us4@example.com'
        $run = Invoke-CCExport -Name unsubscribed -Path (New-ProfileCsv -Prefix us -Path (Join-Path $TestHome 'unsub2.csv') -To 20 -Leave 4)
        $run.State | Should -Be 'Completed'
        $run.ErrorCount | Should -Be 0
        (Get-SandboxContact $Sandbox 'us4@example.com').email_address.permission_to_send | Should -Be 'unsubscribed'
        (Get-ListAddress $export.ListIds[0]) | Should -Not -Contain 'us4@example.com'
        Get-StateCount unsubscribed | Should -Be 19
    }

    It 'removes the leavers of a segment that holds an unsubscribed contact, which stays unsubscribed and off the list' {
        # One unsubscribed contact in every import must not keep the import's other contacts out of the state.
        $export = New-Export -Name withunsub
        Set-SandboxUnsubscribed $Sandbox -Email 'wu5@example.com'
        $first = Invoke-CCExport -Name withunsub -Path (New-ProfileCsv -Prefix wu -Path (Join-Path $TestHome 'wu1.csv') -To 20)
        $first.CannotAddToListCount | Should -Be 1
        Get-StateCount withunsub | Should -Be 20
        $run = Invoke-CCExport -Name withunsub -Path (New-ProfileCsv -Prefix wu -Path (Join-Path $TestHome 'wu2.csv') -To 20 -Leave 20) -ErrorAction Stop
        $run.SubmittedCount | Should -Be 0
        $run.RemovedCount | Should -Be 1
        (Get-ListAddress $export.ListIds[0]) | Should -Not -Contain 'wu20@example.com'
        (Get-ListAddress $export.ListIds[0]) | Should -Not -Contain 'wu5@example.com'
        (Get-SandboxContact $Sandbox 'wu5@example.com').email_address.permission_to_send | Should -Be 'unsubscribed'
    }

    It 'removes nothing when an older run is resumed after a later run of the export ended' {
        # Run 2 (-NoWait) dropped od20; run 3 has it again. Resuming run 2 must not take it off the list.
        $export = New-Export -Name olderrun
        $null = Invoke-CCExport -Name olderrun -Path (New-ProfileCsv -Prefix od -Path (Join-Path $TestHome 'od1.csv') -To 20)
        $second = Invoke-CCExport -Name olderrun -Path (New-ProfileCsv -Prefix od -Path (Join-Path $TestHome 'od2.csv') -To 21 -Leave 20) -NoWait
        $second.State | Should -Be 'Submitted'
        $third = Invoke-CCExport -Name olderrun -Path (New-ProfileCsv -Prefix od -Path (Join-Path $TestHome 'od3.csv') -To 21)
        $third.State | Should -Be 'Completed'
        $resumed = Invoke-CCExport -Name olderrun -Resume -RunId $second.RunId -ErrorAction Stop
        $resumed.RemovedCount | Should -Be 0
        $resumed.Message | Should -BeLike '*a later run of this export updated its sync state*'
        (Get-ListAddress $export.ListIds[0]) | Should -Contain 'od20@example.com'
    }

    It 'removes nothing when a row of the input could not be read whole (a quote left open swallows the rows after it), until -Force' {
        $export = New-Export -Name malformed
        $null = Invoke-CCExport -Name malformed -Path (New-ProfileCsv -Prefix mq -Path (Join-Path $TestHome 'mq1.csv') -To 50)
        $rows = @('Email,FirstName,Segments') + (1..50 | ForEach-Object {
            if ($_ -eq 20) { 'mq20@example.com,"Ann,Newsletter' } elseif ($_ -eq 23) { 'mq23@example.com,Bo"b,Newsletter' } else { "mq$_@example.com,First$_,Newsletter" }
        })
        $broken = Join-Path $TestHome 'mq2.csv'
        Set-Content -Path $broken -Value $rows
        $caught = $null
        try { Invoke-CCExport -Name malformed -Path $broken -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'RemoveInputMalformed,*'
        $caught.CategoryInfo.Category | Should -Be 'InvalidData'
        $caught.TargetObject.RemovedCount | Should -Be 0
        (Get-ListAddress $export.ListIds[0]) | Should -Contain 'mq21@example.com' -Because 'a swallowed row is not a leaver'

        $forced = Invoke-CCExport -Name malformed -Path $broken -Force -ErrorAction SilentlyContinue
        $forced.RemovedCount | Should -BeGreaterThan 0
        (Get-ListAddress $export.ListIds[0]) | Should -Not -Contain 'mq21@example.com'
    }

    It 'keeps the contact of a profile still in the segment whose address is now rejected as <Shown>' -ForEach @(
        @{ Name = 'angle'; Shown = '<address>'; Form = '<{0}>' }
        @{ Name = 'mailto'; Shown = 'mailto:address'; Form = 'mailto:{0}' }
    ) {
        # Night 1 sends the clean address; night 2 the same profile's address is unreadable as given: a reject, as
        # before, but its contact is the one it names, and it is still in the segment.
        $export = New-Export -Name $Name
        $listId = $export.ListIds[0]
        $first = Invoke-CCExport -Name $Name -Path (New-ProfileCsv -Prefix "rj$Name" -Path (Join-Path $TestHome "$Name-1.csv") -To 20)
        $first.SubmittedCount | Should -Be 20
        $address = "rj${Name}1@example.com"
        $rows = @(Import-Csv (New-ProfileCsv -Prefix "rj$Name" -Path (Join-Path $TestHome "$Name-2.csv") -To 20))
        $rows[0].Email = $Form -f $address
        $next = Join-Path $TestHome "$Name-2.csv"
        $rows | Export-Csv -Path $next -NoTypeInformation

        $run = Invoke-CCExport -Name $Name -Path $next -WarningAction SilentlyContinue -ErrorAction Stop
        $run.State | Should -Be 'Completed'
        ($run.InvalidCount, $run.UnchangedCount, $run.SubmittedCount, $run.RemovedCount) | Should -Be @(1, 19, 0, 0)
        Get-ListAddress $listId | Should -Contain $address
        (Get-ListAddress $listId).Count | Should -Be 20
        $rejected = @(Import-Csv -Path $run.RejectPath)
        $rejected.Count | Should -Be 1
        $rejected[0].Email | Should -Be ($Form -f $address)
        $rejected[0].Reason | Should -Be 'EmailInvalid'
    }

    It '-WhatIf shows what would be sent, unchanged and removed per list, and warns past the limit' {
        $export = New-Export -Name plan
        $null = Invoke-CCExport -Name plan -Path (New-ProfileCsv -Prefix wi -Path (Join-Path $TestHome 'plan1.csv') -To 20)
        $removals = Get-RouteCount '*remove_list_memberships*'
        $whatIf = Invoke-CCExport -Name plan -Path (New-ProfileCsv -Prefix wi -Path (Join-Path $TestHome 'plan2.csv') -To 21 -Leave 3) -WhatIf -WarningVariable warned
        $whatIf.State | Should -Be 'WhatIf'
        $whatIf.Message | Should -BeLike "WhatIf: 1 contacts in 1 import(s)*19 are unchanged since the last sync; would remove 1 that left the segment (list 'plan': 1 of 20 (5%)).*"
        $warned | Should -BeNullOrEmpty

        $cut = Invoke-CCExport -Name plan -Path (New-ProfileCsv -Prefix wi -Path (Join-Path $TestHome 'plan3.csv') -To 5) -WhatIf -WarningVariable cutWarned
        $cut.Message | Should -BeLike "*would remove 15 that left the segment (list 'plan': 15 of 20 (75%))*"
        ($cutWarned -join ' ') | Should -BeLike "*remove 15 of the 20 contacts of list 'plan' (75%; MaxRemovePercent 10 allows 2)*RemoveLimitExceeded, unless -Force*"
        Get-RouteCount '*remove_list_memberships*' | Should -Be $removals
        (Get-ListAddress $export.ListIds[0]).Count | Should -Be 20
    }

    It 'is turned off with -RemoveMissing:$false: a leaver stays on the list and no contact is read' {
        $export = New-Export -Name off
        $null = Invoke-CCExport -Name off -Path (New-ProfileCsv -Prefix of -Path (Join-Path $TestHome 'off1.csv') -To 10)
        (Set-CCExport -Name off -RemoveMissing:$false -PassThru).RemoveMissing | Should -BeFalse
        $reads = Get-RouteCount 'GET /v3/contacts*'
        $run = Invoke-CCExport -Name off -Path (New-ProfileCsv -Prefix of -Path (Join-Path $TestHome 'off2.csv') -To 9)
        $run.RemovedCount | Should -Be 0
        (Get-ListAddress $export.ListIds[0]).Count | Should -Be 10
        Get-RouteCount 'GET /v3/contacts*' | Should -Be $reads
    }
}

Describe 'Contacts that joined a list another way are never removed' {
    It 'keeps a contact that was on the list before the export first sent it, when it later leaves the segment' {
        $export = New-Export -Name before
        $listId = $export.ListIds[0]
        # On the list another way (a sign-up form) before the export's first run, which sends it too.
        Add-SandboxListMember $Sandbox -ListId $listId -Email 'ob5@example.com' | Should -Be 1
        $first = Invoke-CCExport -Name before -Path (New-ProfileCsv -Prefix ob -Path (Join-Path $TestHome 'ob1.csv') -To 20)
        $first.SubmittedCount | Should -Be 20
        $second = Invoke-CCExport -Name before -Path (Join-Path $TestHome 'ob1.csv')
        $second.UnchangedCount | Should -Be 20 -Because 'a kept contact in the segment is unchanged as usual, not sent again'
        $second.RequestCount | Should -Be 0

        $run = Invoke-CCExport -Name before -Path (New-ProfileCsv -Prefix ob -Path (Join-Path $TestHome 'ob2.csv') -To 20 -Leave 4, 5) -ErrorAction Stop
        $run.RemovedCount | Should -Be 1
        $members = Get-ListAddress $listId
        $members | Should -Contain 'ob5@example.com'
        $members | Should -Not -Contain 'ob4@example.com'
    }

    It 'keeps a contact that joined another way between two runs and was first sent by the second' {
        $export = New-Export -Name between
        $listId = $export.ListIds[0]
        $null = Invoke-CCExport -Name between -Path (New-ProfileCsv -Prefix bw -Path (Join-Path $TestHome 'bw1.csv') -To 20)
        Add-SandboxListMember $Sandbox -ListId $listId -Email 'bw21@example.com' | Should -Be 1
        $second = Invoke-CCExport -Name between -Path (New-ProfileCsv -Prefix bw -Path (Join-Path $TestHome 'bw2.csv') -To 21) -Verbose 4>&1 |
            Tee-Object -Variable said | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $second.SubmittedCount | Should -Be 1
        ($said | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain '1 contact(s) that joined the run''s list(s) another way found in 1 request(s) (0 list(s) read whole); the export never removes them.'

        $third = Invoke-CCExport -Name between -Path (New-ProfileCsv -Prefix bw -Path (Join-Path $TestHome 'bw3.csv') -To 21 -Leave 20, 21) -ErrorAction Stop
        $third.RemovedCount | Should -Be 1
        $members = Get-ListAddress $listId
        $members | Should -Contain 'bw21@example.com'
        $members | Should -Not -Contain 'bw20@example.com'
    }

    It 'killed after reading the lists and before the first import: -Resume reads them again and keeps a contact that joined while it was down' {
        $name = 'kill-outsiders'
        $export = New-Export -Name $name
        $listId = $export.ListIds[0]
        $null = Invoke-CCExport -Name $name -Path (New-ProfileCsv -Prefix ko -Path (Join-Path $TestHome 'ko1.csv') -To 10)
        Add-SandboxListMember $Sandbox -ListId $listId -Email 'ko11@example.com' | Should -Be 1
        $csv = New-ProfileCsv -Prefix ko -Path (Join-Path $TestHome 'ko2.csv') -To 13
        $imports = Get-RouteCount '*contacts_json_import*'
        $earlier = @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory).Name
        $child = Start-ChildPwsh -Environment @{ CC_EXPORT_TEST_PAUSE_AT = 'outsiders-read' } -Script @"
Import-Module '$(Get-TestModulePath)'
Invoke-CCExport -Name '$name' -Path '$csv' -ErrorAction SilentlyContinue | Out-Null
"@
        $deadline = [datetime]::UtcNow.AddSeconds(120)   # a hang guard: the loop waits for the moment, not a time
        $folder = $null
        while (-not $child.Process.HasExited -and [datetime]::UtcNow -lt $deadline) {
            $folder = Get-ChildItem (Join-Path $TestHome 'runs') -Directory | Where-Object Name -NotIn $earlier | Select-Object -First 1
            if ($folder -and (Test-Path (Join-Path $folder.FullName 'paused-outsiders-read'))) { break }
            Start-Sleep -Milliseconds 20
        }
        $paused = $folder -and (Test-Path (Join-Path $folder.FullName 'paused-outsiders-read'))
        $child.Process.Kill()
        $null = Wait-ChildPwsh $child -TimeoutSeconds 30
        $paused | Should -BeTrue -Because 'the child must stop after reading the lists'
        Get-RouteCount '*contacts_json_import*' | Should -Be $imports -Because 'the lists are read before the first import'
        Test-Path (Join-Path $folder.FullName 'outsiders.before') | Should -BeTrue

        # ko12, in the run's input, signs up while the run is down: the resume must not take it for the export's.
        Add-SandboxListMember $Sandbox -ListId $listId -Email 'ko12@example.com' | Should -Be 1
        $resumed = Invoke-CCExport -Name $name -Resume -ErrorAction Stop
        $resumed.State | Should -Be 'Completed'
        $resumed.SubmittedCount | Should -Be 3
        $journal = Read-RunJournalText (Join-Path $folder.FullName 'journal.jsonl')
        ([regex]::Matches($journal, '"Type":"OutsidersRead"')).Count | Should -Be 2 -Because '-Resume reads the lists again when the run had sent nothing'
        Test-RunJournal -RunFolder $folder.FullName -Finished | Should -BeNullOrEmpty

        $left = Invoke-CCExport -Name $name -Path (New-ProfileCsv -Prefix ko -Path (Join-Path $TestHome 'ko3.csv') -To 13 -Leave 11, 12, 13) -ErrorAction Stop
        $left.RemovedCount | Should -Be 1
        $members = Get-ListAddress $listId
        $members | Should -Contain 'ko11@example.com'
        $members | Should -Contain 'ko12@example.com'
        $members | Should -Not -Contain 'ko13@example.com'
    }

    It 'keeps what is on the list when -RemoveMissing is turned on for an export that already ran, and says so' {
        $export = New-Export -Name later -Keep
        $listId = $export.ListIds[0]
        # A sign-up first, then the export sends the same contact: its state records it as the export's.
        Add-SandboxListMember $Sandbox -ListId $listId -Email 'el5@example.com' | Should -Be 1
        $null = Invoke-CCExport -Name later -Path (New-ProfileCsv -Prefix el -Path (Join-Path $TestHome 'el1.csv') -To 20)
        $null = Set-CCExport -Name later -RemoveMissing

        $run = Invoke-CCExport -Name later -Path (New-ProfileCsv -Prefix el -Path (Join-Path $TestHome 'el2.csv') -To 21 -Leave 5) -WarningVariable said -WarningAction SilentlyContinue -ErrorAction Stop
        $run.State | Should -Be 'Completed'
        $run.RemovedCount | Should -Be 0
        Get-ListAddress $listId | Should -Contain 'el5@example.com'
        @($said.Message) | Should -Be @("The export had sent to list 'later' before -RemoveMissing read it: it cannot tell the contacts it sent from those that joined another way, so the 20 contact(s) on the list now are kept, never removed; contacts it sends from now on that leave the segment are removed. To have the list equal to its segment, give the export a new list.")

        # el21, first sent after the read, is the export's.
        $next = Invoke-CCExport -Name later -Path (New-ProfileCsv -Prefix el -Path (Join-Path $TestHome 'el3.csv') -To 21 -Leave 5, 6, 21) -WarningVariable said -ErrorAction Stop
        $next.RemovedCount | Should -Be 1
        $said | Should -BeNullOrEmpty
        $members = Get-ListAddress $listId
        $members | Should -Not -Contain 'el21@example.com'
        $members | Should -Contain 'el6@example.com'
    }

    It 'keeps everything on the list when its kept record is lost (a restore of sync.state only), and says so' {
        $export = New-Export -Name restored
        $listId = $export.ListIds[0]
        $null = Invoke-CCExport -Name restored -Path (New-ProfileCsv -Prefix kd -Path (Join-Path $TestHome 'kd1.csv') -To 20)
        Add-SandboxListMember $Sandbox -ListId $listId -Email 'kd21@example.com' | Should -Be 1
        $null = Invoke-CCExport -Name restored -Path (New-ProfileCsv -Prefix kd -Path (Join-Path $TestHome 'kd2.csv') -To 21)
        Remove-Item (Join-Path $TestHome 'exports/restored/sync.kept')

        $run = Invoke-CCExport -Name restored -Path (New-ProfileCsv -Prefix kd -Path (Join-Path $TestHome 'kd3.csv') -To 22 -Leave 21) -WarningVariable said -WarningAction SilentlyContinue -ErrorAction Stop
        $run.State | Should -Be 'Completed'
        $run.RemovedCount | Should -Be 0
        Get-ListAddress $listId | Should -Contain 'kd21@example.com'
        @($said.Message) | Should -HaveCount 1
        $said[0].Message | Should -BeLike "The export's record of the contacts that joined list 'restored' another way (sync.kept) is missing*the 21 contact(s) on the list now are kept, never removed*"
        Test-Path (Join-Path $TestHome 'exports/restored/sync.kept') | Should -BeTrue -Because 'the run records what it kept'
    }
}

Describe 'Two -RemoveMissing exports on one list' {
    It 'Set-CCExport refuses the second with RemoveListShared, by list name or id, and saves nothing' {
        $first = New-Export -Name sharedA
        $listId = $first.ListIds[0]
        $caught = $null
        try {
            Set-CCExport -Name sharedB -Connection sandbox -ListId $listId -EmailField Email -Segment Newsletter -SegmentField Segments -RemoveMissing -ErrorAction Stop
        } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'RemoveListShared,*'
        $caught.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $caught.Exception.Message | Should -BeLike "*'sharedB'*'sharedA'*'sharedA' ($listId)*own list*-RemoveMissing:`$false*"
        Get-CCExport -Name sharedB -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        # Without -RemoveMissing it may share the list; turning it on later is refused, by -ListMap too.
        $null = Set-CCExport -Name sharedB -Connection sandbox -ListName SHAREDA -EmailField Email -Segment Newsletter -SegmentField Segments
        { Set-CCExport -Name sharedB -RemoveMissing -ErrorAction Stop } | Should -Throw -ErrorId 'RemoveListShared,*'
        { Set-CCExport -Name sharedB -ListMap ([ordered]@{ Newsletter = 'sharedA' }) -RemoveMissing -ErrorAction Stop } | Should -Throw -ErrorId 'RemoveListShared,*'
        (Get-CCExport -Name sharedB).RemoveMissing | Should -BeFalse
    }

    It 'Invoke-CCExport refuses a definition edited to share a list, before anything is sent' {
        $null = New-Export -Name editedA
        $other = New-Export -Name editedB
        $file = Join-Path $TestHome 'exports/editedB.json'
        $json = Get-Content $file -Raw | ConvertFrom-Json
        $json.ListIds = @((Get-CCExport -Name editedA).ListIds[0])
        $json | ConvertTo-Json -Depth 5 | Set-Content $file
        $imports = Get-RouteCount '*contacts_json_import*'
        $reads = Get-RouteCount 'GET /v3/contacts*'
        $runs = @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory).Count

        $caught = $null
        try { Invoke-CCExport -Name editedB -Path (New-ProfileCsv -Prefix ed -Path (Join-Path $TestHome 'ed.csv') -To 5) -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'RemoveListShared,*'
        $caught.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $caught.Exception.Message | Should -BeLike "*'editedB' did not run; nothing was sent*'editedA'*"
        Get-RouteCount '*contacts_json_import*' | Should -Be $imports
        Get-RouteCount 'GET /v3/contacts*' | Should -Be $reads
        @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory).Count | Should -Be $runs -Because 'no run is created'
        $other | Should -Not -BeNullOrEmpty
    }
}

Describe 'A -RemoveMissing run killed at each new step, then -Resume' {
    It 'killed <Moment>: -Resume removes each leaver once and records the state' -ForEach @(
        @{ Moment = 'learning-ids' }
        @{ Moment = 'posting-removals' }
        @{ Moment = 'removals-done' }
    ) {
        # p29 and p30 leave the segment; p31 is new, so the removing run learns its id after the import.
        $name = "kill-$Moment"
        $prefix = "k$($Moment.Substring(0, 4))"
        $export = New-Export -Name $name
        $listId = $export.ListIds[0]
        $null = Invoke-CCExport -Name $name -Path (New-ProfileCsv -Prefix $prefix -Path (Join-Path $TestHome "$name-1.csv") -To 30)
        Add-SandboxListMember $Sandbox -ListId $listId -Email "outsider-$Moment@example.com" | Should -Be 1
        $csv = New-ProfileCsv -Prefix $prefix -Path (Join-Path $TestHome "$name-2.csv") -To 31 -Leave 29, 30
        $removals = Get-RouteCount '*remove_list_memberships*'
        $earlier = @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory).Name

        # The run stops at the named moment (CC_EXPORT_TEST_PAUSE_AT: it writes paused-<moment> and waits there) and is
        # killed with SIGKILL: no finally block, no Dispose, no flush runs in the child.
        $child = Start-ChildPwsh -Environment @{ CC_EXPORT_TEST_PAUSE_AT = $Moment } -Script @"
Import-Module '$(Get-TestModulePath)'
Invoke-CCExport -Name '$name' -Path '$csv' -ErrorAction SilentlyContinue | Out-Null
"@
        $deadline = [datetime]::UtcNow.AddSeconds(120)   # a hang guard: the loop waits for the moment, not a time
        $folder = $null
        while (-not $child.Process.HasExited -and [datetime]::UtcNow -lt $deadline) {
            $folder = Get-ChildItem (Join-Path $TestHome 'runs') -Directory | Where-Object Name -NotIn $earlier | Select-Object -First 1
            if ($folder -and (Test-Path (Join-Path $folder.FullName "paused-$Moment"))) { break }
            Start-Sleep -Milliseconds 20
        }
        $paused = $folder -and (Test-Path (Join-Path $folder.FullName "paused-$Moment"))
        $child.Process.Kill()
        $null = Wait-ChildPwsh $child -TimeoutSeconds 30
        $paused | Should -BeTrue -Because "the child must stop $Moment"
        (Get-CCExportRun -Name $name -RunId $folder.Name).State | Should -Be 'Sending'
        Get-StateCount $name | Should -Be 30 -Because 'nothing is recorded before the run ends'
        $journal = Read-RunJournalText (Join-Path $folder.FullName 'journal.jsonl')
        switch ($Moment) {
            'learning-ids' {
                $journal | Should -Match '"Type":"LearningIds"'
                $journal | Should -Not -Match '"Type":"IdsLearnt"'
                (Get-ListAddress $listId).Count | Should -Be 32
            }
            'posting-removals' {
                # Constant Contact took the request; its answer never reached the journal.
                $journal | Should -Match '"Type":"RemoveSending"'
                $journal | Should -Not -Match '"Type":"RemoveSubmitted"'
                Get-RouteCount '*remove_list_memberships*' | Should -Be ($removals + 1)
            }
            'removals-done' {
                $journal | Should -Match '"Type":"RemoveDone"'
                (Get-ListAddress $listId).Count | Should -Be 30
            }
        }

        $resumed = Invoke-CCExport -Name $name -Resume
        $resumed.State | Should -Be 'Completed'
        $resumed.RemovedCount | Should -Be 2
        $members = Get-ListAddress $listId
        $members.Count | Should -Be 30
        $members | Should -Contain "outsider-$Moment@example.com"
        $members | Should -Contain "$($prefix)31@example.com"
        $members | Should -Not -Contain "$($prefix)29@example.com"
        $members | Should -Not -Contain "$($prefix)30@example.com"
        # A removal whose answer was lost is sent again (idempotent); otherwise each went once.
        Get-RouteCount '*remove_list_memberships*' | Should -Be ($removals + $(if ($Moment -eq 'posting-removals') { 2 } else { 1 }))
        Get-StateCount $name | Should -Be 29
        @(Get-ChildItem (Join-Path $folder.FullName 'batches') -ErrorAction SilentlyContinue).Count | Should -Be 0 -Because 'the run files go when it ends'

        $next = Invoke-CCExport -Name $name -Path $csv
        $next.RemovedCount | Should -Be 0
        $next.RequestCount | Should -Be 0
    }
}
