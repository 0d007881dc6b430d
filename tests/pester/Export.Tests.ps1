# Exports end to end: the built module, real HTTP on loopback, the sandbox.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '50')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice

    function script:New-Export {
        param([string] $Name, [string] $List = $Name, [hashtable] $Extra = @{})
        Set-CCExport -Name $Name -Connection sandbox -ListName $List -CreateList -EmailField Email -FirstNameField FirstName -LastNameField LastName `
            -Attribute @{ company_name = 'Company'; city = 'City' } -Segment Newsletter -SegmentField Segments -PassThru @Extra
    }

    function script:Invoke-ExportVerbose {
        # Runs an export on a file in bodies of -BatchContacts contacts; returns the run and the Verbose messages.
        param([string] $Name, [string] $Csv, [int] $BatchContacts)
        $env:CC_EXPORT_BATCH_CONTACTS = "$BatchContacts"
        try { $records = @(Invoke-CCExport -Name $Name -Path $Csv -Verbose -ErrorAction SilentlyContinue 4>&1) }
        finally { Remove-Item Env:CC_EXPORT_BATCH_CONTACTS }
        $records | Where-Object { $_ -is [ConstantContactExport.CCExportRun] }
        , @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    }

    function script:Stop-ExportWhen {
        # Runs an export of -Csv in bodies of -BatchContacts in a runspace of this process and stops it as Ctrl+C does
        # (StopProcessing on the running cmdlet) once -Until says so of the new run's journal text, or after 60 s.
        # Returns the journal's path and the text last read.
        param([string] $Name, [string] $Csv, [int] $BatchContacts, [scriptblock] $Until)
        $earlierRuns = @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory).Name
        $env:CC_EXPORT_BATCH_CONTACTS = "$BatchContacts"
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $Name, $Csv)
                    Import-Module $ModulePath
                    Invoke-CCExport -Name $Name -Path $Csv -ErrorAction SilentlyContinue
                }).AddArgument((Get-TestModulePath)).AddArgument($Name).AddArgument($Csv)
            $async = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(300)   # a hang guard: the loop waits for the journal, not a time
            do {
                Start-Sleep -Milliseconds 5
                # Only this run's journal: the earlier tests' runs have Submitted lines too.
                $journal = Get-ChildItem (Join-Path $TestHome 'runs') -Directory | Where-Object Name -NotIn $earlierRuns |
                    ForEach-Object { Join-Path $_.FullName 'journal.jsonl' } | Select-Object -First 1
                $text = if ($journal) { Read-RunJournalText $journal } else { '' }
            } until ((& $Until $text) -or [datetime]::UtcNow -gt $deadline)
            $ps.Stop()
            try { $null = $ps.EndInvoke($async) } catch [System.Management.Automation.PipelineStoppedException] { }
        }
        finally {
            $ps.Dispose()
            Remove-Item Env:CC_EXPORT_BATCH_CONTACTS
        }
        [pscustomobject]@{ Journal = $journal; Text = $text }
    }

    function script:Get-ImportPostCount {
        $state = Get-SandboxState $Sandbox
        $routes = $state.requests_by_route.PSObject.Properties | Where-Object Name -like '*contacts_json_import*'
        [int]($routes | Measure-Object -Property Value -Sum).Sum
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Set-CCExport, Get-CCExport, Remove-CCExport' {
    It 'saves a readable definition with the list resolved and no secrets' {
        $export = New-Export -Name defs
        $export.ListIds.Count | Should -Be 1
        $export.ListIds[0] | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        $json = Get-Content $export.Path -Raw
        $json | Should -Match '"EmailField": "Email"'
        foreach ($token in (Get-SandboxState $Sandbox).issued_tokens) { $json | Should -Not -Match ([regex]::Escape($token)) }
        (Get-CCExport -Name DEFS).Name | Should -Be 'defs'
    }

    It 'reads a list made meanwhile by someone else instead of failing' {
        $first = New-Export -Name same-list-a -List 'Shared list'
        $second = New-Export -Name same-list-b -List 'Shared list'
        $second.ListIds | Should -Be $first.ListIds
    }

    It 'refuses unsafe names, unknown list ids, unknown custom fields and unknown fields, naming them' {
        { Set-CCExport -Name '../x' -Connection sandbox -ListName x -CreateList -EmailField Email -Segment s } | Should -Throw -ErrorId 'ExportNameInvalid,*'
        { Set-CCExport -Name con -Connection sandbox -ListName x -CreateList -EmailField Email -Segment s } | Should -Throw -ErrorId 'ExportNameInvalid,*'
        # The Kelvin sign lower-cases to k: this export would share the sync state and run lock of 'kiosk'.
        $null = Set-CCExport -Name kiosk -Connection sandbox -ListName 'Kiosk list' -CreateList -EmailField Email -Segment s
        { Set-CCExport -Name "$([char]0x212A)iosk" -Connection sandbox -ListName 'Kiosk list' -EmailField Email -Segment s -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNameInvalid,*' -ExpectedMessage "*'kiosk'*"
        # -ccontains: PowerShell's -contains ignores case by the culture's rules, under which the Kelvin sign is K.
        (Get-CCExport).Name -ccontains "$([char]0x212A)iosk" | Should -BeFalse
        Test-Path (Join-Path $env:CC_EXPORT_HOME "exports/$([char]0x212A)iosk.json") | Should -BeFalse
        # Found as every cmdlet finds an export: the same name in any case, not a name that only lower-cases alike.
        (Get-CCExport -Name KIOSK).Name | Should -BeExactly 'kiosk'
        { Get-CCExport -Name "$([char]0x212A)iosk" -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNotFound,*'
        (Get-CCExport -Name '?iosk').Name | Should -Contain 'kiosk'
        # A pair made by hand (or by a version that allowed it) does not run: the two would share one sync state.
        $kelvinFile = Join-Path $env:CC_EXPORT_HOME "exports/$([char]0x212A)iosk.json"
        (Get-Content (Join-Path $env:CC_EXPORT_HOME 'exports/kiosk.json') -Raw).Replace('"kiosk"', ('"{0}iosk"' -f [char]0x212A)) | Set-Content $kelvinFile
        try {
            $csv = Join-Path $TestDrive 'kiosk.csv'
            "Email,Segments`nada@example.com,s" | Set-Content $csv
            { Invoke-CCExport -Name kiosk -Path $csv -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNameInvalid,*' -ExpectedMessage '*share one sync state*'
        }
        finally { Remove-Item $kelvinFile }
        { Set-CCExport -Name badlist -Connection sandbox -ListId ([guid]::NewGuid()) -EmailField Email -Segment s } | Should -Throw -ErrorId 'ListNotFound,*'
        { Set-CCExport -Name badid -Connection sandbox -ListId 'not-a-uuid' -EmailField Email -Segment s } | Should -Throw -ErrorId 'ListIdInvalid,*'
        { Set-CCExport -Name nolist -Connection sandbox -ListName 'No such list' -EmailField Email -Segment s } | Should -Throw -ErrorId 'ListNotFound,*'
        { Set-CCExport -Name badcf -Connection sandbox -ListName x -CreateList -EmailField Email -Segment s -Attribute @{ 'cf:nope' = 'X' } } | Should -Throw -ErrorId 'CustomFieldNotFound,*'
        { Set-CCExport -Name badfield -Connection sandbox -ListName x -CreateList -EmailField Email -Segment s -Attribute @{ jobtitle = 'X' } } | Should -Throw -ErrorId 'MappingInvalid,*'
        { Set-CCExport -Name noconn -Connection nowhere -ListName x -EmailField Email -Segment s } | Should -Throw -ErrorId 'ConnectionNotFound,*'
        # A list it would create must be one line within Constant Contact's 255 characters; the name is shown escaped.
        { Set-CCExport -Name ctl -Connection sandbox -ListName "News$([char]27)[2J" -CreateList -EmailField Email -Segment s -ErrorAction Stop } | Should -Throw -ErrorId 'ListNameInvalid,*' -ExpectedMessage '*''News\x1B`[2J''*control*position 5*'
        { Set-CCExport -Name long -Connection sandbox -ListMap @{ s = 'x' * 256 } -CreateList -EmailField Email -ErrorAction Stop } | Should -Throw -ErrorId 'ListNameInvalid,*' -ExpectedMessage '*256 characters*255*'
        @(Get-CCList -ErrorAction Stop | Where-Object { $_.Name.StartsWith("News$([char]27)") -or $_.Name.Length -gt 255 }) | Should -BeNullOrEmpty
        Get-CCExport -Name '../x', 'badlist', 'nolist', 'ctl', 'long' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'names the file when a hand-edited definition is not valid' {
        $export = New-Export -Name handedited
        Set-Content -Path $export.Path -Value '{ "Name": "handedited", '
        { Invoke-CCExport -Name handedited -Path $export.Path } | Should -Throw -ExpectedMessage "*$($export.Path)*"
        Get-CCExport -Name handedited -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ExportDefinitionInvalid,*'
        Remove-CCExport -Name handedited
    }

    It 'does nothing under -WhatIf and removes with Remove-CCExport' {
        Set-CCExport -Name whatif-def -Connection sandbox -ListName 'WhatIf list' -CreateList -EmailField Email -Segment s -WhatIf
        Get-CCExport -Name whatif-def -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-CCList -Connection sandbox -Name 'WhatIf list') | Should -BeNullOrEmpty
        New-Export -Name removable | Out-Null
        Remove-CCExport -Name removable -Confirm:$false
        Get-CCExport -Name removable -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Get-CCExportRun names a mistyped export, and answers an export that has not run with nothing' {
        $null = New-Export -Name never-run
        $ErrorActionPreference = 'Stop'
        @(Get-CCExportRun -Name never-run) | Should -BeNullOrEmpty
        @(Get-CCExportRun -Name 'NEVER-RUN') | Should -BeNullOrEmpty
        @(Get-CCExportRun -Name 'never-ru*') | Should -BeNullOrEmpty
        { Get-CCExportRun -Name never-rum } | Should -Throw -ErrorId 'ExportNotFound,*'
        $null = Get-CCExportRun -Name never-rum -ErrorAction SilentlyContinue -ErrorVariable missing
        $missing[0].Exception.Message | Should -BeLike "There is no export named 'never-rum'*Get-CCExport lists the exports."

        # Several names at once, each one said when it is missing; a name with [ ] matches as written or escaped.
        $null = New-Export -Name 'tier[1]'
        $run = [pscustomobject]@{ Email = 'bracket@example.com'; FirstName = 'B'; LastName = 'R'; Company = 'C'; City = 'D'; Segments = 'Newsletter' } | Invoke-CCExport -Name 'tier[1]'
        (Get-CCExport -Name 'tier[1]').Name | Should -Be 'tier[1]'
        (Get-CCExport -Name 'tier`[1`]').Name | Should -Be 'tier[1]'
        (Get-CCExportRun -Name 'tier[1]').RunId | Should -Be $run.RunId
        (Get-CCExportRun -Name 'tier`[1`]').RunId | Should -Be $run.RunId
        (Get-CCExport -Name 'tier[1]' | Get-CCExportRun).RunId | Should -Be $run.RunId
        $both = @(Get-CCExportRun -Name 'tier[1]', never-run, nowhere -ErrorAction SilentlyContinue -ErrorVariable several)
        $both.RunId | Should -Be $run.RunId
        @($several.FullyQualifiedErrorId) | Should -Be @('ExportNotFound,ConstantContactExport.Commands.GetCCExportRunCommand')
        $several[0].TargetObject | Should -Be 'nowhere'

        # A piped run is that run, not its export's latest (it binds -RunId as well as -Name).
        $second = [pscustomobject]@{ Email = 'bracket2@example.com'; FirstName = 'B'; LastName = 'R'; Company = 'C'; City = 'D'; Segments = 'Newsletter' } | Invoke-CCExport -Name 'tier[1]'
        ($run | Get-CCExportRun).RunId | Should -Be $run.RunId
        ($run | Get-CCExportRun -Refresh).RunId | Should -Be $run.RunId
        @(Get-CCExportRun -Name 'tier[1]' -Last 2 | Get-CCExportRun).RunId | Should -Be @($second.RunId, $run.RunId)
        (Get-CCExport -Name 'tier[1]' | Get-CCExportRun).RunId | Should -Be $second.RunId

        # -RunId with -Name: the run must be that export's (a piped run binds both, and they agree).
        (Get-CCExportRun -RunId $run.RunId -Name 'tier[1]').RunId | Should -Be $run.RunId
        (Get-CCExportRun -RunId $run.RunId -Name 'TIER*').RunId | Should -Be $run.RunId
        { Get-CCExportRun -RunId $run.RunId -Name never-run } | Should -Throw -ErrorId 'RunNotFound,*'
        $null = Get-CCExportRun -RunId $run.RunId -Name never-run, nowhere -ErrorAction SilentlyContinue -ErrorVariable other
        $other[0].Exception.Message | Should -Be "Run '$($run.RunId)' is a run of the export 'tier[1]', not of 'never-run' or 'nowhere'."
        { Get-CCExportRun -RunId $run.RunId -Last 2 } | Should -Throw -ErrorId 'RunIdWithLast,*'
        { $run | Get-CCExportRun -Last 2 } | Should -Throw -ErrorId 'RunIdWithLast,*'
        { Get-CCExportRun -Name @() } | Should -Throw -ErrorId 'ExportNameInvalid,*'
        { Get-CCExportRun -Name '' } | Should -Throw -ErrorId 'ExportNameInvalid,*'

        # A piped export's name is that name, not a pattern: 'tier[1]' does not also bring 'tier1'.
        $null = New-Export -Name tier1
        $plain = [pscustomobject]@{ Email = 'plain@example.com'; FirstName = 'P'; LastName = 'L'; Company = 'C'; City = 'D'; Segments = 'Newsletter' } | Invoke-CCExport -Name tier1
        @(Get-CCExport -Name 'tier`[1`]' | Get-CCExportRun).RunId | Should -Be @($second.RunId)
        @(Get-CCExport -Name tier1, 'tier`[1`]' | Get-CCExportRun).RunId | Should -Be @($plain.RunId, $second.RunId)
        # On the command line 'tier[1]' is both: the export of that name, and the pattern that matches 'tier1'.
        @(Get-CCExportRun -Name 'tier[1]').RunId | Sort-Object | Should -Be (@($plain.RunId, $second.RunId) | Sort-Object)

        # A backtick is a character of a name too: 'x`[y' is found as it is written.
        $null = New-Export -Name 'x`[y'
        (Get-CCExport -Name 'x`[y').Name | Should -Be 'x`[y'
        @(Get-CCExportRun -Name 'x`[y') | Should -BeNullOrEmpty

        # Names from outside are shown escaped in messages: no escape sequence reaches the console.
        $null = Get-CCExport -Name "bad$([char]27)[2J" -ErrorAction SilentlyContinue -ErrorVariable shown
        $shown[0].FullyQualifiedErrorId | Should -BeLike 'ExportNameInvalid,*'
        $shown[0].Exception.Message | Should -BeLike "'bad\x1B``[2J' is not a usable export name*"
        $null = Get-CCConnection -Name "no$([char]0x202E)where" -ErrorAction SilentlyContinue -ErrorVariable shown
        $shown[0].Exception.Message | Should -Not -Match '[\u0000-\u001F\u202E]'

        # A name with an unclosed [ is no pattern: it is that name, and no other name breaks on it.
        $null = New-Export -Name 'sale['
        (Get-CCExport -Name 'sale[').Name | Should -Be 'sale['
        @(Get-CCExportRun -Name 'sale[') | Should -BeNullOrEmpty
        { Get-CCExportRun -Name 'sales[' } | Should -Throw -ErrorId 'ExportNotFound,*'
        @(Get-CCExport | Get-CCExportRun).RunId | Should -Contain $second.RunId
    }
}

Describe 'Invoke-CCExport' {
    It 'gives an exact ledger for -Path, and the list holds exactly the contacts sent' {
        $export = New-Export -Name from-path
        $csv = Join-Path $TestHome 'path.csv'
        $expected = New-SampleCsv -Path $csv -Count 3000 -Seed 11
        $run = Invoke-CCExport -Name from-path -Path $csv -ErrorPerReject -ErrorAction SilentlyContinue -ErrorVariable rejected
        $run.State | Should -Be 'Completed'
        foreach ($count in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'SubmittedCount') {
            $run.$count | Should -Be $expected.$count -Because $count
        }
        $run.InputCount | Should -Be ($run.OutOfSegmentCount + $run.InvalidCount + $run.DuplicateCount + $run.SubmittedCount)
        $run.ImportedCount | Should -Be $expected.SubmittedCount
        $rejected.Count | Should -Be $expected.InvalidCount
        $rejected[0].CategoryInfo.Category | Should -Be 'InvalidData'
        (Import-Csv $run.RejectPath).Count | Should -Be $expected.InvalidCount
        $members = Get-SandboxListMember $Sandbox $export.ListIds[0]
        @($members).Count | Should -Be $expected.SubmittedCount
    }

    It 'sends each import as soon as it is staged when the files cannot hold more than MaxProfiles, its fingerprint journaled first' {
        $export = New-Export -Name streamed
        $csv = Join-Path $TestHome 'streamed.csv'
        $expected = New-SampleCsv -Path $csv -Count 20000 -Seed 18
        $run, $verbose = Invoke-ExportVerbose -Name streamed -Csv $csv -BatchContacts 1000
        @($verbose | Where-Object { $_ -like '*hold at most 20000 profiles, within MaxProfiles (1000000): each import is sent as soon as it is staged*' }).Count | Should -Be 1
        $run.State | Should -Be 'Completed'
        foreach ($count in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'SubmittedCount') {
            $run.$count | Should -Be $expected.$count -Because $count
        }
        $run.ImportedCount | Should -Be $expected.SubmittedCount
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).Count | Should -Be $expected.SubmittedCount

        # The journal: imports went out before staging ended, each after its body's fingerprint.
        $folder = Join-Path $TestHome "runs/$($run.RunId)"
        $entries = @(Get-Content (Join-Path $folder 'journal.jsonl') | ConvertFrom-Json)
        $staged = [array]::FindIndex($entries, [Predicate[object]] { param($e) $e.Type -eq 'Staged' })
        $firstSending = [array]::FindIndex($entries, [Predicate[object]] { param($e) $e.Type -eq 'Sending' })
        $firstSending | Should -BeLessThan $staged -Because 'the first import goes out while the file is still being read'
        Test-RunJournal -RunFolder $folder -Finished | Should -BeNullOrEmpty
    }

    It 'stages everything before sending when the files have more lines than MaxProfiles, and sends when the profiles are fewer' {
        $export = New-Export -Name nearcap -Extra @{ MaxProfiles = 1999 }
        $csv = Join-Path $TestHome 'nearcap.csv'
        $expected = New-SampleCsv -Path $csv -Count 2000 -Seed 19
        $run, $verbose = Invoke-ExportVerbose -Name nearcap -Csv $csv -BatchContacts 400
        @($verbose | Where-Object { $_ -like '*2000 lines of profiles, more than MaxProfiles (1999): staging all of them before anything is sent*' }).Count | Should -Be 1
        $run.State | Should -Be 'Completed'
        $run.SubmittedCount | Should -Be $expected.SubmittedCount
        $entries = @(Get-Content (Join-Path $TestHome "runs/$($run.RunId)/journal.jsonl") | ConvertFrom-Json)
        @($entries | Where-Object Type -eq 'BatchStaged').Count | Should -Be 0
        $entries[0].Type | Should -Be 'Staged'
    }

    It 'gives the same ledger for pipeline input as for -Path' {
        New-Export -Name from-pipeline | Out-Null
        $csv = Join-Path $TestHome 'pipeline.csv'
        $expected = New-SampleCsv -Path $csv -Count 2000 -Seed 12
        $run = Import-Csv $csv | Invoke-CCExport -Name from-pipeline -ErrorAction SilentlyContinue
        $run.State | Should -Be 'Completed'
        foreach ($count in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'SubmittedCount') {
            $run.$count | Should -Be $expected.$count -Because $count
        }
    }

    It 'sends exactly the expected contacts, field by field, from any kind of object' {
        $export = New-Export -Name fields
        $table = [System.Data.DataTable]::new()
        foreach ($c in 'Email', 'FirstName', 'Segments') { $null = $table.Columns.Add($c) }
        $null = $table.Rows.Add('datarow@example.com', 'Row', 'Newsletter')
        $profiles = @(
            [pscustomobject]@{ Email = ' Ada@Example.com '; FirstName = 'Ada'; LastName = 'Lovelace'; Company = 'Analytical'; City = 'London'; Segments = 'Newsletter' }
            @{ email = 'grace@example.com'; firstname = 'Grace'; lastname = 'Hopper'; company = 'Navy'; city = 'Arlington'; segments = @('VIP', 'Newsletter') }
            [pscustomobject]@{ Email = 'ADA@example.com'; FirstName = 'Duplicate'; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'outside@example.com'; FirstName = 'Out'; Segments = 'Prospects' }
            [pscustomobject]@{ Email = 'nested@example.com'; FirstName = @{ a = 1 }; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'array@example.com'; FirstName = 'A', 'B'; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'long@example.com'; FirstName = 'x' * 51; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'ctrl@example.com'; FirstName = "Bad`u{0007}"; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'typed@example.com'; FirstName = 42; LastName = [datetime]'2020-01-02'; Segments = 'Newsletter' }
            $null
            17
            'just-a-string@example.com'
            [pscustomobject]@{ Email = $null; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'x' * 300; Segments = 'Newsletter' }
            $table.Rows[0]
        )
        $run = $profiles | Invoke-CCExport -Name fields -ErrorPerReject -MaxRejectPercent 100 -ErrorAction SilentlyContinue -ErrorVariable rejected
        $run.InputCount | Should -Be 15
        $run.OutOfSegmentCount | Should -Be 1
        $run.DuplicateCount | Should -Be 1
        $run.SubmittedCount | Should -Be 4
        $run.InvalidCount | Should -Be 9
        $rejected.FullyQualifiedErrorId | ForEach-Object { $_.Split(',')[0] } | Sort-Object |
            Should -Be (@('EmailInvalid', 'EmailMissing', 'FieldNotText', 'FieldNotText', 'FieldTooLong', 'InvalidCharacters', 'NotAProfile', 'NotAProfile', 'NotAProfile') | Sort-Object)
        ($rejected | Where-Object { $_.FullyQualifiedErrorId -like 'NotAProfile*' }).TargetObject | Should -Contain 17

        $members = Get-SandboxListMember $Sandbox $export.ListIds[0] | Sort-Object { $_.email_address.address }
        # ForEach-Object: member enumeration would find Array.Address(int) instead of the property.
        $members | ForEach-Object { $_.email_address.address } | Should -Be @('Ada@example.com', 'datarow@example.com', 'grace@example.com', 'typed@example.com')
        $ada = $members[0]
        $ada.first_name | Should -Be 'Ada'
        $ada.last_name | Should -Be 'Lovelace'
        $ada.company_name | Should -Be 'Analytical'
        $ada.street_addresses[0].city | Should -Be 'London'
        $members[2].first_name | Should -Be 'Grace'
        $members[3].first_name | Should -Be '42'
        $members[3].last_name | Should -Be '01/02/2020 00:00:00'
    }

    It 'reads typed objects from other modules (an AD user with mail and group names)' {
        if (-not ('CcePester.FakeAdUser' -as [type])) {
            Add-Type -TypeDefinition 'namespace CcePester { public sealed class FakeAdUser { public string mail { get; set; } public string GivenName { get; set; } public string Surname { get; set; } public string[] MemberOf { get; set; } } }'
        }
        $export = Set-CCExport -Name ad-users -Connection sandbox -ListName 'AD users' -CreateList -EmailField EmailAddress -FirstNameField givenname `
            -LastNameField SURNAME -Segment Staff -SegmentField memberof -PassThru
        # The definition names EmailAddress; these objects have 'mail': a second export maps it.
        $export = Set-CCExport -Name ad-users -EmailField Mail -PassThru
        $users = foreach ($i in 1..3) {
            [CcePester.FakeAdUser]@{ mail = "user$i@example.com"; GivenName = "Given$i"; Surname = "Sur$i"; MemberOf = @('All', $(if ($i -ne 2) { 'Staff' } else { 'Contractors' })) }
        }
        $run = $users | Invoke-CCExport -Name ad-users
        $run.InputCount | Should -Be 3
        $run.OutOfSegmentCount | Should -Be 1
        $run.SubmittedCount | Should -Be 2
        $members = Get-SandboxListMember $Sandbox $export.ListIds[0] | Sort-Object { $_.email_address.address }
        $members | ForEach-Object { "$($_.email_address.address) $($_.first_name) $($_.last_name)" } |
            Should -Be @('user1@example.com Given1 Sur1', 'user3@example.com Given3 Sur3')
    }

    It 'refuses a user the connection does not list as an export user' {
        $null = New-CCConnection -Name restricted -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice
        Set-CCExport -Name restricted-export -Connection restricted -ListName Restricted -CreateList -EmailField Email -Segment s
        $file = Join-Path $TestHome 'connections/restricted.json'
        $json = Get-Content $file -Raw | ConvertFrom-Json
        # A connection someone else made (the creator is always an export user), listing only themselves.
        $json.CreatedBy = 'someone-else'
        $json.ExportUsers = @('someone-else')
        $json | ConvertTo-Json -Depth 5 | Set-Content $file
        { @{ Email = 'a@example.com' } | Invoke-CCExport -Name restricted-export -Segment s } | Should -Throw -ErrorId 'ExportUserNotAllowed,*'
        Get-CCExportRun -Name restricted-export | Should -BeNullOrEmpty
    }

    It 'sends nothing under -WhatIf' {
        New-Export -Name whatif | Out-Null
        $before = Get-ImportPostCount
        $csv = Join-Path $TestHome 'whatif.csv'
        $expected = New-SampleCsv -Path $csv -Count 500 -Seed 13
        $run = Invoke-CCExport -Name whatif -Path $csv -WhatIf -ErrorAction SilentlyContinue
        $run.State | Should -Be 'WhatIf'
        $run.SubmittedCount | Should -Be $expected.SubmittedCount
        $run.RequestCount | Should -Be 0
        Get-ImportPostCount | Should -Be $before

        # $WhatIfPreference as a script would set it: still nothing sent while staging, and nothing after.
        $WhatIfPreference = $true
        try { $run = Invoke-CCExport -Name whatif -Path $csv -ErrorAction SilentlyContinue }
        finally { $WhatIfPreference = $false }
        $run.State | Should -Be 'WhatIf'
        Get-ImportPostCount | Should -Be $before
    }

    It 'refuses a run over MaxProfiles before the first request' {
        New-Export -Name capped -Extra @{ MaxProfiles = 10 } | Out-Null
        $before = Get-ImportPostCount
        $csv = Join-Path $TestHome 'capped.csv'
        $null = New-SampleCsv -Path $csv -Count 100 -Seed 14
        { Invoke-CCExport -Name capped -Path $csv -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'MaxProfilesExceeded,*'
        Get-ImportPostCount | Should -Be $before
        (Get-CCExportRun -Name capped).State | Should -Be 'Failed'
    }

    It 'returns Submitted with -NoWait, and Get-CCExportRun -Refresh completes the counts' {
        New-Export -Name nowait | Out-Null
        $csv = Join-Path $TestHome 'nowait.csv'
        $expected = New-SampleCsv -Path $csv -Count 800 -Seed 15
        $run = Invoke-CCExport -Name nowait -Path $csv -NoWait -ErrorAction SilentlyContinue
        $run.State | Should -Be 'Submitted'
        # Once Constant Contact (the sandbox) has finished the run's imports, whenever that is on this machine.
        $run.ActivityIds | Should -Not -BeNullOrEmpty
        Wait-Until -What "the sandbox completes the run's imports" -Condition {
            $done = @((Get-SandboxState $Sandbox).activities | Where-Object { $_.activity_id -in $run.ActivityIds -and $_.state -eq 'completed' })
            $done.Count -eq @($run.ActivityIds).Count
        }
        $refreshed = $run | Get-CCExportRun -Refresh
        $refreshed.State | Should -Be 'Completed'
        $refreshed.ImportedCount | Should -Be $expected.SubmittedCount
    }

    It 'fails fast when the export is already running' {
        New-Export -Name busy | Out-Null
        $lock = [System.IO.File]::Open((Join-Path $TestHome 'locks/export-busy.lock'), 'OpenOrCreate', 'ReadWrite', 'None')
        try {
            { @{ Email = 'a@example.com'; Segments = 'Newsletter' } | Invoke-CCExport -Name busy } | Should -Throw -ErrorId 'ExportRunning,*'
        }
        finally { $lock.Dispose() }
    }

    It 'runs every export that names a SourcePath from Get-CCExport | Invoke-CCExport' {
        $csv = Join-Path $TestHome 'source.csv'
        $expected = New-SampleCsv -Path $csv -Count 300 -Seed 16
        New-Export -Name sourced -Extra @{ SourcePath = $csv } | Out-Null
        $runs = Get-CCExport -Name sourced | Invoke-CCExport -ErrorAction SilentlyContinue
        $runs.State | Should -Be 'Completed'
        $runs.SubmittedCount | Should -Be $expected.SubmittedCount
    }

    It 'stopped (Ctrl+C) while still reading the file, after imports went out: Stopped, and -Resume stages it again and sends each batch once' {
        $export = New-Export -Name stopped-reading
        $csv = Join-Path $TestHome 'stopped-reading.csv'
        $expected = New-SampleCsv -Path $csv -Count 100000 -Seed 20
        $left = Stop-ExportWhen -Name stopped-reading -Csv $csv -BatchContacts 5000 -Until { param($text) $text.Contains('"Type":"Submitted"') -or $text.Contains('"Type":"Staged"') }
        $left.Text | Should -Not -Match '"Type":"Staged"' -Because 'the stop must come while the file is still being read'
        $stopped = Get-CCExportRun -Name stopped-reading
        $stopped.State | Should -Be 'Stopped'
        $stopped.Message | Should -BeLike 'Stopped before staging ended*-Resume stages the files again*'
        Test-RunJournal -RunFolder (Split-Path $left.Journal) | Should -BeNullOrEmpty

        $run = Invoke-CCExport -Name stopped-reading -Resume -ErrorAction SilentlyContinue
        $run.State | Should -Be 'Completed'
        $run.RunId | Should -Be $stopped.RunId
        ($run.ActivityIds | Sort-Object -Unique).Count | Should -Be $run.BatchCount
        $run.ImportedCount | Should -Be $expected.SubmittedCount
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).Count | Should -Be $expected.SubmittedCount
        Test-RunJournal -RunFolder (Split-Path $left.Journal) -Finished | Should -BeNullOrEmpty
    }

    It 'leaves a resumable run when stopped (Ctrl+C), and -Resume sends each batch once' {
        $export = New-Export -Name stoppable
        $csv = Join-Path $TestHome 'stoppable.csv'
        $expected = New-SampleCsv -Path $csv -Count 3000 -Seed 17
        $null = Stop-ExportWhen -Name stoppable -Csv $csv -BatchContacts 100 -Until { param($text) ([regex]::Matches($text, '"Type":"Submitted"')).Count -ge 3 }
        $stopped = Get-CCExportRun -Name stoppable
        $stopped.State | Should -Be 'Stopped'
        $stopped.ActivityIds.Count | Should -BeLessThan $stopped.BatchCount

        $run = Invoke-CCExport -Name stoppable -Resume
        $run.State | Should -Be 'Completed'
        $run.RunId | Should -Be $stopped.RunId
        $run.ActivityIds.Count | Should -Be $run.BatchCount
        ($run.ActivityIds | Sort-Object -Unique).Count | Should -Be $run.BatchCount
        $run.ImportedCount | Should -Be $expected.SubmittedCount
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).Count | Should -Be $expected.SubmittedCount
    }
}
