# Per-segment lists end to end (issue 13): Set-CCExport -ListMap through the built module and the sandbox. One pass
# over the input sends each profile to the lists of its segments; the sync keeps working per list.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '20')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice

    function script:New-MapExport {
        # Gold and Silver, each to a list of its own named after the export.
        param([string] $Name)
        Set-CCExport -Name $Name -Connection sandbox -EmailField Email -FirstNameField FirstName -SegmentField Segments `
            -ListMap ([ordered]@{ Gold = "$Name gold"; Silver = "$Name silver" }) -CreateList -PassThru
    }

    function script:New-TierCsv {
        # p<n>@example.com with the segments given by a scriptblock of the number ('' for none).
        param([string] $Path, [int] $Count, [scriptblock] $Segments)
        1..$Count | ForEach-Object { [pscustomobject]@{ Email = "p$_@example.com"; FirstName = "First$_"; Segments = (& $Segments $_) } } |
            Export-Csv -Path $Path -NoTypeInformation
        $Path
    }

    function script:Get-Members {
        param([string] $ListId)
        @(Get-SandboxListMember $Sandbox $ListId | ForEach-Object { $_.email_address.address } | Sort-Object)
    }

    function script:Get-ImportPostCount {
        $state = Get-SandboxState $Sandbox
        [int](($state.requests_by_route.PSObject.Properties | Where-Object Name -like '*contacts_json_import*' | Measure-Object -Property Value -Sum).Sum)
    }

    # p1-p6 Gold, p7-p10 Silver, p11 and p12 both, p13 neither.
    $script:Tiers = {
        param($n)
        if ($n -le 6) { 'Gold' } elseif ($n -le 10) { 'Silver' } elseif ($n -le 12) { 'gold; SILVER' } else { 'Bronze' }
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Each segment to its own list' {
    It 'saves the map as the export''s segments and lists, creating the lists' {
        $export = New-MapExport -Name saved
        $export.Segment | Should -Be @('Gold', 'Silver')
        $export.ListNames | Should -Be @('saved gold', 'saved silver')
        @($export.ListMap.Keys) | Should -Be @('Gold', 'Silver')
        $export.ListMap['gold'] | Should -Be 'saved gold'
        (Get-CCList -Connection sandbox -Name 'saved *').Name | Sort-Object | Should -Be @('saved gold', 'saved silver')
        (Get-Content $export.Path -Raw | ConvertFrom-Json).SchemaVersion | Should -Be 2
        (Get-CCExport -Name saved | Format-List | Out-String) | Should -Match 'ListMap\s+:\s+Gold = saved gold; Silver = saved silver'
    }

    It 'puts each profile on the lists of its segments, one in two segments on both' {
        $export = New-MapExport -Name fan
        $csv = New-TierCsv -Path (Join-Path $TestHome 'fan.csv') -Count 13 -Segments $Tiers
        $run = Invoke-CCExport -Name fan -Path $csv
        $run.State | Should -Be 'Completed'
        $run.SubmittedCount | Should -Be 12
        $run.OutOfSegmentCount | Should -Be 1
        $run.BatchCount | Should -Be 3 -Because 'one import per set of lists: gold, silver, both'

        Get-Members $export.ListIds[0] | Should -Be @(1..6 + 11, 12 | ForEach-Object { "p$_@example.com" } | Sort-Object)
        Get-Members $export.ListIds[1] | Should -Be @(7..12 | ForEach-Object { "p$_@example.com" } | Sort-Object)
        @((Get-SandboxContact $Sandbox 'p11@example.com').list_memberships | Sort-Object) | Should -Be @($export.ListIds | Sort-Object)
        Get-SandboxContact $Sandbox 'p13@example.com' | Should -BeNullOrEmpty
    }

    It 'sends a profile that moved from Gold to Silver to the Silver list on the next run, and the rest are Unchanged' {
        $export = New-MapExport -Name move
        $null = Invoke-CCExport -Name move -Path (New-TierCsv -Path (Join-Path $TestHome 'move1.csv') -Count 13 -Segments $Tiers)
        $posts = Get-ImportPostCount

        $moved = { param($n) if ($n -eq 2) { 'Silver' } else { & $Tiers $n } }
        $csv = New-TierCsv -Path (Join-Path $TestHome 'move2.csv') -Count 13 -Segments $moved
        $run = Invoke-CCExport -Name move -Path $csv
        $run.SubmittedCount | Should -Be 1
        $run.UnchangedCount | Should -Be 11
        $run.BatchCount | Should -Be 1
        Get-ImportPostCount | Should -Be ($posts + 1)
        Get-Members $export.ListIds[1] | Should -Contain 'p2@example.com'

        $again = Invoke-CCExport -Name move -Path $csv
        $again.SubmittedCount | Should -Be 0
        $again.UnchangedCount | Should -Be 12
        Get-ImportPostCount | Should -Be ($posts + 1)
    }

    It '-WhatIf tells how many would be sent and how many are unchanged on each list' {
        $null = New-MapExport -Name plan
        $null = Invoke-CCExport -Name plan -Path (New-TierCsv -Path (Join-Path $TestHome 'plan1.csv') -Count 6 -Segments $Tiers)
        $posts = Get-ImportPostCount
        $run = Invoke-CCExport -Name plan -Path (New-TierCsv -Path (Join-Path $TestHome 'plan2.csv') -Count 13 -Segments $Tiers) -WhatIf
        $run.State | Should -Be 'WhatIf'
        $run.Message | Should -BeLike "*per list: 'plan gold' 2 to send, 6 unchanged; 'plan silver' 6 to send, 0 unchanged*"
        Get-ImportPostCount | Should -Be $posts
    }
}

Describe 'A per-segment run killed part way' {
    It 'is finished by -Resume with every profile on the lists of its segments, and recorded per list' {
        $export = Set-CCExport -Name killedmap -Connection sandbox -EmailField Email -FirstNameField FirstName -SegmentField Segments `
            -ListMap ([ordered]@{ Newsletter = 'killedmap news'; VIP = 'killedmap vip' }) -CreateList -PassThru
        $csv = Join-Path $TestHome 'killedmap.csv'
        $expected = New-SampleCsv -Path $csv -Count 20000 -Seed 11
        # In the sample every profile sent is in Newsletter; exactly those written "Newsletter,VIP" are in VIP too.
        $vip = @(Import-Csv $csv | Where-Object Segments -eq 'Newsletter,VIP' | ForEach-Object Email | Sort-Object)
        $child = Start-ChildPwsh -Environment @{ CC_EXPORT_BATCH_CONTACTS = '500' } -Script @"
Import-Module '$(Get-TestModulePath)'
Invoke-CCExport -Name killedmap -Path '$csv' -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
"@
        $deadline = [datetime]::UtcNow.AddSeconds(300)   # a hang guard: the loop waits for the journal, not a time
        $submitted = 0
        while (-not $child.Process.HasExited -and [datetime]::UtcNow -lt $deadline) {
            $folder = Get-ChildItem (Join-Path $TestHome 'runs') -Directory | Where-Object { (Get-Content (Join-Path $_.FullName 'run.json') -Raw -ErrorAction SilentlyContinue) -like '*"killedmap"*' } | Select-Object -First 1
            if ($folder) {
                $submitted = ([regex]::Matches((Read-RunJournalText (Join-Path $folder.FullName 'journal.jsonl')), '"Type":"Submitted"')).Count
                if ($submitted -ge 2) { break }
            }
            Start-Sleep -Milliseconds 5
        }
        $child.Process.Kill()
        $null = Wait-ChildPwsh $child -TimeoutSeconds 30
        $submitted | Should -BeGreaterOrEqual 2 -Because 'the kill must land after imports went out'
        (Get-CCExportRun -Name killedmap).State | Should -BeIn 'Staging', 'Sending'

        $resumed = Invoke-CCExport -Name killedmap -Resume -WarningAction SilentlyContinue
        $resumed.State | Should -Be 'Completed'
        $resumed.SubmittedCount | Should -Be $expected.SubmittedCount
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).Count | Should -Be $expected.SubmittedCount
        Get-Members $export.ListIds[1] | Should -Be $vip

        $posts = Get-ImportPostCount
        $next = Invoke-CCExport -Name killedmap -Path $csv -WarningAction SilentlyContinue
        $next.SubmittedCount | Should -Be 0
        $next.UnchangedCount | Should -Be $expected.SubmittedCount
        Get-ImportPostCount | Should -Be $posts
    }
}

Describe 'A bad map is an error before anything is saved' {
    It 'fails <ErrorId> under -ErrorAction Stop' -TestCases @(
        @{ ErrorId = 'ListMapEmpty'; Map = { @{} }; Extra = @{} }
        @{ ErrorId = 'ListMapSegmentDuplicate'; Map = { $h = [hashtable]::new([System.StringComparer]::Ordinal); $h['Gold'] = 'a'; $h['GOLD'] = 'b'; $h }; Extra = @{} }
        @{ ErrorId = 'ListMapInvalid'; Map = { @{ Gold = @('a', 'b') } }; Extra = @{} }
        @{ ErrorId = 'ListMapConflict'; Map = { @{ Gold = 'bad gold' } }; Extra = @{ Segment = 'Gold' } }
        @{ ErrorId = 'ListMapConflict'; Map = { @{ Gold = 'bad gold' } }; Extra = @{ ListName = 'bad gold' } }
        @{ ErrorId = 'ListNotFound'; Map = { @{ Gold = 'no such list' } }; Extra = @{} }
    ) {
        param($ErrorId, $Map, $Extra)
        $failure = $null
        try {
            Set-CCExport -Name bad -Connection sandbox -EmailField Email -SegmentField Segments -ListMap (& $Map) @Extra -ErrorAction Stop
        }
        catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $failure.CategoryInfo.Category | Should -Be $(if ($ErrorId -eq 'ListNotFound') { 'ObjectNotFound' } else { 'InvalidArgument' })
        Get-CCExport -Name bad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses -Segment alone on an export with a map, and -ListName replaces the map' {
        $null = New-MapExport -Name change
        { Set-CCExport -Name change -Segment Gold -ErrorAction Stop } | Should -Throw -ErrorId 'ListMapConflict,*'
        $export = Set-CCExport -Name change -ListName 'change gold' -Segment Gold, Silver -PassThru
        $export.ListMap | Should -BeNullOrEmpty
        $export.ListNames | Should -Be @('change gold')
        (Get-Content $export.Path -Raw | ConvertFrom-Json).SchemaVersion | Should -Be 1
    }
}

Describe 'Each list kept equal to its segment (-ListMap with -RemoveMissing)' {
    It 'takes a profile that moved from Gold to Silver off the Gold list, one that left every segment off Silver, and never the outsider' {
        $export = New-MapExport -Name keep
        $null = Set-CCExport -Name keep -RemoveMissing -MaxRemovePercent 50
        $first = Invoke-CCExport -Name keep -Path (New-TierCsv -Path (Join-Path $TestHome 'keep1.csv') -Count 13 -Segments $Tiers)
        $first.State | Should -Be 'Completed'
        Add-SandboxListMember $Sandbox -ListId $export.ListIds[0] -Email 'outsider@example.com' | Should -Be 1

        # p1 moves from Gold to Silver; p7 leaves Silver for no segment at all.
        $moved = { param($n) if ($n -eq 1) { 'Silver' } elseif ($n -eq 7) { '' } else { & $Tiers $n } }
        $second = Invoke-CCExport -Name keep -Path (New-TierCsv -Path (Join-Path $TestHome 'keep2.csv') -Count 13 -Segments $moved) -ErrorAction Stop
        $second.State | Should -Be 'Completed'
        $second.SubmittedCount | Should -Be 1 -Because 'only the mover goes out, to its new list'
        $second.UnchangedCount | Should -Be 10
        $second.OutOfSegmentCount | Should -Be 2
        $second.RemovedCount | Should -Be 2 -Because 'p1 from Gold and p7 from Silver'

        Get-Members $export.ListIds[0] | Should -Be @(@(2..6 + 11, 12 | ForEach-Object { "p$_@example.com" }) + 'outsider@example.com' | Sort-Object)
        Get-Members $export.ListIds[1] | Should -Be @(@(1) + 8..12 | ForEach-Object { "p$_@example.com" } | Sort-Object)
        (Get-SandboxContact $Sandbox 'p7@example.com').email_address.permission_to_send | Should -Not -Be 'unsubscribed' -Because 'taking a contact off a list never unsubscribes it'

        $third = Invoke-CCExport -Name keep -Path (Join-Path $TestHome 'keep2.csv')
        ($third.SubmittedCount, $third.RemovedCount, $third.RequestCount) | Should -Be @(0, 0, 0) -Because 'the lists now equal their segments'
    }
}
