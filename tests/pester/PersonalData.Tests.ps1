# Personal data at rest, through the built module and the sandbox: staged bodies go once a run no longer needs them,
# run folders go after RetainDays (pruned by a later run) or on demand (Remove-CCExportRun, Remove-CCExport), run
# files are the owner's alone, and the latest run is the one started last.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    function script:Start-Setup {
        param([string[]] $SandboxArguments = @('--activity-delay', '50'))
        $script:TestHome = New-TestHome
        $script:Sandbox = Start-TestSandbox -Arguments $SandboxArguments
        $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
    }

    function script:Stop-Setup {
        Stop-TestSandbox $script:Sandbox
        Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
    }

    function script:New-Export {
        param([string] $Name, [hashtable] $Extra = @{})
        Set-CCExport -Name $Name -Connection sandbox -ListName $Name -CreateList -EmailField Email -FirstNameField FirstName `
            -Segment Newsletter -SegmentField Segments -PassThru @Extra
    }

    function script:Invoke-Batched {
        # Runs an export of a CSV in bodies of 100 contacts.
        param([string] $Name, [string] $Csv, [hashtable] $Extra = @{})
        $env:CC_EXPORT_BATCH_CONTACTS = '100'
        try { Invoke-CCExport -Name $Name -Path $Csv @Extra }
        finally { Remove-Item Env:CC_EXPORT_BATCH_CONTACTS }
    }

    function script:Invoke-Small {
        # One quick run of an export from the pipeline.
        param([string] $Name)
        @{ Email = "$([guid]::NewGuid().ToString('N').Substring(0, 8))@example.com"; FirstName = 'Ada'; Segments = 'Newsletter' } | Invoke-CCExport -Name $Name
    }

    function script:Get-BodyNumber {
        # The batch numbers whose bodies are on disk in a run's folder.
        param([string] $RunId)
        Get-ChildItem (Join-Path $TestHome "runs/$RunId/batches") -Filter 'batch-*.json' -ErrorAction SilentlyContinue |
            ForEach-Object { [int]$_.BaseName.Substring(6) } | Sort-Object
    }

    function script:Get-RunFolderName {
        @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory -ErrorAction SilentlyContinue | ForEach-Object Name)
    }

    function script:Set-RunAge {
        # Makes a run look idle for -Days: every time in its journal and its start move back.
        param([string] $RunId, [int] $Days)
        $when = [DateTimeOffset]::UtcNow.AddDays(-$Days).ToString('o')
        $folder = Join-Path $TestHome "runs/$RunId"
        $journal = Join-Path $folder 'journal.jsonl'
        [System.IO.File]::WriteAllText($journal, ([System.IO.File]::ReadAllText($journal) -replace '"At":"[^"]*"', "`"At`":`"$when`""))
        $manifest = Join-Path $folder 'run.json'
        [System.IO.File]::WriteAllText($manifest, ([System.IO.File]::ReadAllText($manifest) -replace '("StartedAt"\s*:\s*)"[^"]*"', "`$1`"$when`""))
    }

    function script:Get-Mode {
        param([string] $Path)
        & stat -c '%a' $Path
    }
}

Describe 'Staged bodies' {
    BeforeAll { Start-Setup; $null = New-Export -Name bodies }
    AfterAll { Stop-Setup }

    It 'are all gone after a completed run, whose folder is 0700 and every file in it 0600' {
        $csv = Join-Path $TestHome 'completed.csv'
        $expected = New-SampleCsv -Path $csv -Count 600 -Seed 41
        $run = Invoke-Batched -Name bodies -Csv $csv -Extra @{ ErrorAction = 'SilentlyContinue' }
        $run.State | Should -Be 'Completed'
        $run.BatchCount | Should -BeGreaterThan 2
        $run.ImportedCount | Should -Be $expected.SubmittedCount
        @(Get-BodyNumber $run.RunId) | Should -BeNullOrEmpty

        if (-not $IsWindows) {
            $folder = Join-Path $TestHome "runs/$($run.RunId)"
            Get-Mode $folder | Should -Be '700'
            $files = @(Get-ChildItem $folder -Recurse -File)
            $files.Name | Should -Contain 'journal.jsonl'
            $files.Name | Should -Contain 'run.json'
            $files.Name | Should -Contain 'rejects.csv'
            foreach ($file in $files) { Get-Mode $file.FullName | Should -Be '600' -Because $file.Name }
        }
    }

    It 'are all gone after a -NoWait run: each goes once its import is accepted' {
        $csv = Join-Path $TestHome 'nowait.csv'
        $null = New-SampleCsv -Path $csv -Count 400 -Seed 42
        $run = Invoke-Batched -Name bodies -Csv $csv -Extra @{ NoWait = $true; ErrorAction = 'SilentlyContinue' }
        $run.State | Should -Be 'Submitted'
        $run.BatchCount | Should -BeGreaterThan 1
        @(Get-BodyNumber $run.RunId) | Should -BeNullOrEmpty
    }

    It 'are all gone after a -WhatIf run, which sends nothing' {
        $csv = Join-Path $TestHome 'whatif.csv'
        $null = New-SampleCsv -Path $csv -Count 300 -Seed 43
        $run = Invoke-Batched -Name bodies -Csv $csv -Extra @{ WhatIf = $true; ErrorAction = 'SilentlyContinue' }
        $run.State | Should -Be 'WhatIf'
        @(Get-BodyNumber $run.RunId) | Should -BeNullOrEmpty
    }
}

Describe 'A stopped run' {
    BeforeAll { Start-Setup -SandboxArguments @('--daily-quota', '12', '--activity-delay', '50'); $null = New-Export -Name quota }
    AfterAll { Stop-Setup }

    It 'keeps the bodies not yet accepted, -Resume sends them, and then none is left' {
        $csv = Join-Path $TestHome 'quota.csv'
        $expected = New-SampleCsv -Path $csv -Count 1500 -Seed 44
        try { $null = Invoke-Batched -Name quota -Csv $csv -Extra @{ ErrorAction = 'SilentlyContinue' } } catch { $stop = $_ }
        $stop.FullyQualifiedErrorId | Should -BeLike 'ExportStopped,*'
        $stopped = Get-CCExportRun -Name quota
        $stopped.State | Should -Be 'Stopped'
        $accepted = $stopped.ActivityIds.Count
        $accepted | Should -BeGreaterThan 0
        $accepted | Should -BeLessThan $stopped.BatchCount
        # Exactly the bodies whose imports were not accepted are left.
        $journal = @(Get-Content (Join-Path $TestHome "runs/$($stopped.RunId)/journal.jsonl") | ConvertFrom-Json)
        $sent = @($journal | Where-Object Type -EQ 'Submitted' | ForEach-Object Batch)
        @(Get-BodyNumber $stopped.RunId) | Should -Be @(1..$stopped.BatchCount | Where-Object { $_ -notin $sent })

        # An unfinished run is only removed with -Force.
        { Remove-CCExportRun -RunId $stopped.RunId -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'RunUnfinished,*'
        Test-Path (Join-Path $TestHome "runs/$($stopped.RunId)") | Should -BeTrue

        $run = $null
        for ($day = 0; $day -lt 20 -and $run.State -ne 'Completed'; $day++) {
            Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/reset-quota" | Out-Null
            try { $run = Invoke-CCExport -Name quota -Resume -ErrorAction SilentlyContinue } catch { $run = Get-CCExportRun -Name quota }
        }
        $run.RunId | Should -Be $stopped.RunId
        $run.State | Should -Be 'Completed'
        $run.ImportedCount | Should -Be $expected.SubmittedCount
        ($run.ActivityIds | Sort-Object -Unique).Count | Should -Be $run.BatchCount
        @(Get-BodyNumber $run.RunId) | Should -BeNullOrEmpty
    }
}

Describe 'Run folders kept and removed' {
    BeforeAll { Start-Setup }
    AfterAll { Stop-Setup }

    It 'Set-CCExport -RetainDays is 30 by default, kept in the definition, and 0 to 3650' {
        (New-Export -Name retained).RetainDays | Should -Be 30
        (Set-CCExport -Name retained -RetainDays 7 -PassThru).RetainDays | Should -Be 7
        (Get-Content (Join-Path $TestHome 'exports/retained.json') -Raw | ConvertFrom-Json).RetainDays | Should -Be 7
        { Set-CCExport -Name retained -RetainDays 3651 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Set-CCExport -Name retained -RetainDays -1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        (Get-CCExport -Name retained).RetainDays | Should -Be 7
    }

    It 'a later run prunes the runs idle longer than RetainDays and keeps the younger ones and other exports''' {
        $null = New-Export -Name pruned -Extra @{ RetainDays = 5 }
        $null = New-Export -Name bystander
        $old = Invoke-Small pruned
        $young = Invoke-Small pruned
        $other = Invoke-Small bystander
        Set-RunAge $old.RunId 6
        Set-RunAge $young.RunId 4
        Set-RunAge $other.RunId 6

        $latest = Invoke-Small pruned
        $folders = Get-RunFolderName
        $folders | Should -Not -Contain $old.RunId
        $folders | Should -Contain $young.RunId
        $folders | Should -Contain $latest.RunId
        $folders | Should -Contain $other.RunId
        @(Get-CCExportRun -Name pruned -Last 10).RunId | Should -Be @($latest.RunId, $young.RunId)
    }

    It 'Remove-CCExportRun -WhatIf removes nothing, and piped runs from Get-CCExportRun are removed' {
        $null = New-Export -Name piped
        $runs = 1..3 | ForEach-Object { Invoke-Small piped }
        Get-CCExportRun -Name piped -Last 2 | Remove-CCExportRun -WhatIf
        @(Get-CCExportRun -Name piped -Last 10).Count | Should -Be 3

        Get-CCExportRun -Name piped -Last 2 | Remove-CCExportRun -Confirm:$false
        @(Get-CCExportRun -Name piped -Last 10).RunId | Should -Be @($runs[0].RunId)
        Get-RunFolderName | Should -Not -Contain $runs[2].RunId
    }

    It 'Remove-CCExportRun by -RunId, by -Name with -OlderThan, by -Name, and by -OlderThan alone' {
        $null = New-Export -Name byhand
        $null = New-Export -Name aged
        $a, $b, $c = 1..3 | ForEach-Object { Invoke-Small byhand }
        $agedRun = Invoke-Small aged
        Remove-CCExportRun -RunId $a.RunId -Confirm:$false
        Get-RunFolderName | Should -Not -Contain $a.RunId
        { Remove-CCExportRun -RunId $a.RunId -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,*'

        Set-RunAge $b.RunId 10
        Remove-CCExportRun -Name byhand -OlderThan (Get-Date).AddDays(-5) -Confirm:$false
        @(Get-CCExportRun -Name byhand -Last 10).RunId | Should -Be @($c.RunId)

        Set-RunAge $agedRun.RunId 10
        Remove-CCExportRun -OlderThan (Get-Date).AddDays(-5) -Confirm:$false
        Get-RunFolderName | Should -Not -Contain $agedRun.RunId
        Get-RunFolderName | Should -Contain $c.RunId

        Remove-CCExportRun -Name byhand -Confirm:$false
        @(Get-CCExportRun -Name byhand) | Should -BeNullOrEmpty
        Get-CCExport -Name byhand | Should -Not -BeNullOrEmpty
        { Remove-CCExportRun -Name no-such-export -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNotFound,*'
    }

    It 'refuses to remove the runs of an export that is running, and Remove-CCExport too' {
        $null = New-Export -Name busy
        $run = Invoke-Small busy
        $lock = [System.IO.File]::Open((Join-Path $TestHome 'locks/export-busy.lock'), 'OpenOrCreate', 'ReadWrite', 'None')
        try {
            { Remove-CCExportRun -Name busy -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ExportRunning,*'
            { Remove-CCExportRun -RunId $run.RunId -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ExportRunning,*'
            { Remove-CCExport -Name busy -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ExportRunning,*'
        }
        finally { $lock.Dispose() }
        Get-RunFolderName | Should -Contain $run.RunId
        Get-CCExport -Name busy | Should -Not -BeNullOrEmpty
    }

    It 'Remove-CCExport removes the export''s runs with it' {
        $null = New-Export -Name leaving
        $runs = 1..2 | ForEach-Object { Invoke-Small leaving }
        Remove-CCExport -Name leaving -WhatIf
        Get-RunFolderName | Should -Contain $runs[0].RunId
        Remove-CCExport -Name leaving -Confirm:$false
        $folders = Get-RunFolderName
        foreach ($run in $runs) { $folders | Should -Not -Contain $run.RunId }
        { Get-CCExportRun -Name leaving -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNotFound,*'
    }

    It 'writes a -RejectPath report owner-only, and never through a symbolic link' -Skip:$IsWindows {
        $null = New-Export -Name reports
        $report = Join-Path $TestHome 'my-rejects.csv'
        Set-Content -Path $report -Value 'RecordNumber,Line,Source,Email,Reason,Field,Message'
        & chmod 644 $report
        # One reject in two profiles: past the default limit, so the limit is lifted for this run.
        $run = @{ Email = 'not an address'; FirstName = 'N'; Segments = 'Newsletter' }, @{ Email = 'fine@example.com'; FirstName = 'F'; Segments = 'Newsletter' } |
            Invoke-CCExport -Name reports -RejectPath $report -MaxRejectPercent 100 -WarningAction SilentlyContinue
        $run.InvalidCount | Should -Be 1
        Get-Mode $report | Should -Be '600'
        @(Import-Csv $report).Count | Should -Be 1

        $target = Join-Path $TestHome 'elsewhere.csv'
        $link = Join-Path $TestHome 'link.csv'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        $before = Get-RunFolderName
        { @{ Email = 'x@example.com'; FirstName = 'X'; Segments = 'Newsletter' } | Invoke-CCExport -Name reports -RejectPath $link -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*symbolic link*' -ErrorId 'RejectPathUnsafe,*'
        Test-Path $target | Should -BeFalse
        Get-RunFolderName | Should -Be $before
    }

    It 'takes the run started last as the latest, also for runs of an older version started in one second' {
        $null = New-Export -Name order
        $first = Invoke-Small order
        $second = Invoke-Small order
        (Get-CCExportRun -Name order).RunId | Should -Be $second.RunId
        [string]::CompareOrdinal($second.RunId, $first.RunId) | Should -BeGreaterThan 0

        # Two unfinished runs of an older version (ids to the second, a random suffix) started in the same second,
        # the later one with the smaller suffix: -Resume and Get-CCExportRun take the later one.
        $export = Get-CCExport -Name order
        $csv = Join-Path $TestHome 'order.csv'
        $expected = New-SampleCsv -Path $csv -Count 50 -Seed 45
        $inSecond = [DateTimeOffset]::UtcNow.AddMinutes(1)
        $stamp = $inSecond.UtcDateTime.ToString('yyyyMMdd-HHmmss')
        foreach ($made in @{ Id = "$stamp-ffffff"; At = $inSecond.AddMilliseconds(100) }, @{ Id = "$stamp-000000"; At = $inSecond.AddMilliseconds(800) }) {
            $folder = New-Item -ItemType Directory -Path (Join-Path $TestHome "runs/$($made.Id)")
            [ordered]@{
                RunId = $made.Id; ExportName = 'order'; Connection = 'sandbox'; ListIds = @($export.ListIds); StartedAt = $made.At.ToString('o')
                StartedBy = [Environment]::UserName; RejectPath = (Join-Path $folder.FullName 'rejects.csv'); WhatIf = $false; MaxProfiles = 1000000; Sources = @($csv)
            } | ConvertTo-Json | Set-Content (Join-Path $folder.FullName 'run.json')
        }
        (Get-CCExportRun -Name order).RunId | Should -Be "$stamp-000000"
        $resumed = Invoke-CCExport -Name order -Resume -ErrorAction SilentlyContinue
        $resumed.RunId | Should -Be "$stamp-000000"
        $resumed.State | Should -Be 'Completed'
        $resumed.SubmittedCount | Should -Be $expected.SubmittedCount
    }
}
