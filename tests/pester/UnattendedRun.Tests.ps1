# Issue 12 for scheduled jobs, end to end through the built module and the sandbox: a bad address is data (one
# warning, the reject report, never a stop under -ErrorAction Stop), too many rejects fail the run, broken input
# fails before anything is sent, several exports at once, piped file objects, parameter values checked first.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '50')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice

    function script:New-Export {
        param([string] $Name, [hashtable] $Extra = @{})
        Set-CCExport -Name $Name -Connection sandbox -ListName $Name -CreateList -EmailField Email -FirstNameField FirstName `
            -Segment Newsletter -SegmentField Segments -PassThru @Extra
    }

    function script:New-Csv {
        # Good rows, then rows whose address is invalid.
        param([string] $Name, [int] $Good, [int] $Bad, [string] $Prefix = $Name)
        $path = Join-Path $TestHome $Name
        $lines = @('Email,FirstName,Segments') + @(for ($i = 0; $i -lt $Good; $i++) { "$Prefix$i@example.com,Name$i,Newsletter" }) +
            @(for ($i = 0; $i -lt $Bad; $i++) { "not-an-address-$i,Bad$i,Newsletter" })
        Set-Content -Path $path -Value $lines -Encoding utf8NoBOM
        $path
    }

    function script:Get-ActivityRequestCount {
        # Import POSTs and activity polls the sandbox has seen: what a run sends.
        $routes = (Get-SandboxState $Sandbox).requests_by_route.PSObject.Properties | Where-Object Name -like '*activities*'
        [int]($routes | Measure-Object -Property Value -Sum).Sum
    }

    function script:Get-RunFolder { @(Get-ChildItem (Join-Path $TestHome 'runs') -Directory -ErrorAction SilentlyContinue).Name }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A bad address is data' {
    It 'a runbook under $ErrorActionPreference = Stop and -ErrorAction Stop completes with one warning and the reject report (pwsh -File, exit code 0)' {
        $null = New-Export -Name runbook
        $csv = New-Csv -Name runbook.csv -Good 95 -Bad 5
        $child = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-TestModulePath)'
`$run = Invoke-CCExport -Name runbook -Path '$csv' -ErrorAction Stop -WarningVariable warnings 3>`$null
'STATE=' + `$run.State
'INVALID=' + `$run.InvalidCount
'WARNINGS=' + @(`$warnings).Count
'WARNING=' + `$warnings[0]
'REPORT=' + `$run.RejectPath
"@
        $child.ExitCode | Should -Be 0 -Because ($child.Errors -join "`n")
        $child.Output | Should -Contain 'STATE=Completed'
        $child.Output | Should -Contain 'INVALID=5'
        $child.Output | Should -Contain 'WARNINGS=1'
        $warning = ($child.Output | Where-Object { $_ -like 'WARNING=*' })
        $warning | Should -BeLike '*5 of 100 in-segment profiles were rejected*EmailInvalid 5*'
        $report = ($child.Output | Where-Object { $_ -like 'REPORT=*' }).Substring(7)
        $warning | Should -BeLike "*$report*"
        @(Import-Csv $report).Reason | Sort-Object -Unique | Should -Be 'EmailInvalid'
    }

    It 'writes one error a reject only with -ErrorPerReject' {
        $null = New-Export -Name per-reject
        $csv = New-Csv -Name per-reject.csv -Good 95 -Bad 5
        $run = Invoke-CCExport -Name per-reject -Path $csv -ErrorPerReject -ErrorAction SilentlyContinue -ErrorVariable rejected -WarningAction SilentlyContinue
        $run.State | Should -Be 'Completed'
        @($rejected).Count | Should -Be 5
        $rejected[0].FullyQualifiedErrorId | Should -BeLike 'EmailInvalid,*'
        $rejected[0].TargetObject.Line | Should -Be 97
    }

    It 'fails RejectLimitExceeded past MaxRejectPercent, sending nothing when the input is bad from the start' {
        $null = New-Export -Name too-many
        $csv = New-Csv -Name too-many.csv -Good 30 -Bad 70
        $before = Get-ActivityRequestCount
        $err = $null
        try { $null = Invoke-CCExport -Name too-many -Path $csv -ErrorAction Stop -WarningAction SilentlyContinue } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'RejectLimitExceeded,*'
        "$err" | Should -BeLike '*70 of the 100 in-segment profiles were rejected*MaxRejectPercent (10%)*Nothing was sent.*'
        Get-ActivityRequestCount | Should -Be $before
        (Get-CCExportRun -Name too-many).State | Should -Be 'Failed'
        # The assignment never happened; the error names the reject report and carries the run object.
        $err.TargetObject.GetType().FullName | Should -Be 'ConstantContactExport.CCExportRun'
        $err.TargetObject.RunId | Should -Be (Get-CCExportRun -Name too-many).RunId
        $err.TargetObject.RejectPath | Should -Exist
        "$err" | Should -BeLike "*The reject report, $($err.TargetObject.RejectPath), says why*"

        # The export's limit, and the run's override.
        Set-CCExport -Name too-many -MaxRejectPercent 80
        (Get-CCExport -Name too-many).MaxRejectPercent | Should -Be 80
        (Get-Content (Get-CCExport -Name too-many).Path -Raw) | Should -Match '"MaxRejectPercent": 80'
        (Invoke-CCExport -Name too-many -Path $csv -WarningAction SilentlyContinue).State | Should -Be 'Completed'
        { Invoke-CCExport -Name too-many -Path $csv -MaxRejectPercent 50 -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'RejectLimitExceeded,*'
    }
}

Describe 'A broken run fails before sending' {
    BeforeAll {
        $null = New-Export -Name broken
        $null = Set-CCExport -Name misspelled -Connection sandbox -ListName misspelled -CreateList -EmailField Email -FirstNameField FirstName `
            -Segment Newsletter -SegmentField Segmnts
    }

    It 'fails <ErrorId> for <What>, with nothing sent and the run Failed' -ForEach @(
        @{ What = 'a file without the email column'; ErrorId = 'MappedFieldMissing'; Content = "Mail,FirstName,Segments`na@example.com,Ada,Newsletter" }
        # A mapped column fails the run when no file has it (a file that lacks it beside others that have it is a warning).
        @{ What = 'a file without the first-name column'; ErrorId = 'MappedFieldMissing'; Content = "Email,Segments`na@example.com,Newsletter"; Alone = $true }
        @{ What = 'an empty file'; ErrorId = 'InputEmpty'; Content = '' }
        @{ What = 'a header without rows'; ErrorId = 'InputEmpty'; Content = 'Email,FirstName,Segments' }
        @{ What = 'a binary file'; ErrorId = 'InputBinary'; Bytes = [byte[]](0x50, 0x4B, 3, 4, 0, 0, 0, 8, 0, 0x41, 0, 0, 0xFF, 0xFE, 0) }
    ) {
        $csv = Join-Path $TestHome "broken-$ErrorId-$($What.Length).csv"
        if ($Bytes) { [System.IO.File]::WriteAllBytes($csv, $Bytes) } else { [System.IO.File]::WriteAllText($csv, $Content) }
        $good = New-Csv -Name 'broken-good.csv' -Good 20 -Bad 0
        $before = Get-ActivityRequestCount
        # The good file first: every file's header is checked before the first import goes out.
        $files = if ($Alone) { @($csv) } else { @($good, $csv) }
        { Invoke-CCExport -Name broken -Path $files -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*"
        Get-ActivityRequestCount | Should -Be $before
        (Get-CCExportRun -Name broken).State | Should -Be 'Failed'
    }

    It 'fails SegmentFieldMissing for a misspelled -SegmentField, from a file and from the pipeline' {
        $csv = New-Csv -Name misspelled.csv -Good 10 -Bad 0
        $before = Get-ActivityRequestCount
        { Invoke-CCExport -Name misspelled -Path $csv -ErrorAction Stop } | Should -Throw -ErrorId 'SegmentFieldMissing,*'
        { Import-Csv $csv | Invoke-CCExport -Name misspelled -ErrorAction Stop } | Should -Throw -ErrorId 'SegmentFieldMissing,*'
        Get-ActivityRequestCount | Should -Be $before
    }

    It 'fails InputHasNoProfiles for strings piped in, and InputEmpty for an empty pipeline' {
        $before = Get-ActivityRequestCount
        $err = $null
        try { 'a@example.com', 'b@example.com' | Invoke-CCExport -Name broken -ErrorAction Stop -WarningVariable warned } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'InputHasNoProfiles,*'
        # The error says it all: no reject warning (NotAProfile 2) besides it.
        @($warned | Where-Object { "$_" -like '*were rejected*' }) | Should -BeNullOrEmpty
        $err.TargetObject.State | Should -Be 'Failed'
        { @() | Invoke-CCExport -Name broken -ErrorAction Stop } | Should -Throw -ErrorId 'InputEmpty,*'
        Get-ActivityRequestCount | Should -Be $before
    }

    It 'fails CsvFileUnclosedQuote, naming the line, for a quote never closed, before anything is sent' {
        $csv = Join-Path $TestHome 'swallow.csv'
        $lines = @('Email,FirstName,Segments') + @(for ($i = 0; $i -lt 30; $i++) { "s$i@example.com,Ann,Newsletter" }) +
            @('quote@example.com,"Oops,Newsletter') + @(for ($i = 30; $i -lt 500; $i++) { "s$i@example.com,Ann,Newsletter" })
        Set-Content -Path $csv -Value $lines -Encoding utf8NoBOM
        $before = Get-ActivityRequestCount
        $err = $null
        try { $null = Invoke-CCExport -Name broken -Path $csv -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'CsvFileUnclosedQuote,*'
        $err.Exception.Message | Should -BeLike '*line 32*Nothing was sent.'
        Get-ActivityRequestCount | Should -Be $before
        (Get-CCExportRun -Name broken).State | Should -Be 'Failed'
    }

    It 'never quotes a headerless file''s first line (personal data) in MappedFieldMissing, and suggests -Header' {
        $csv = Join-Path $TestHome 'headerless.csv'
        Set-Content -Path $csv -Value 'h1@example.com,Ann,Newsletter', 'h2@example.com,Bob,Newsletter' -Encoding utf8NoBOM
        $err = $null
        try { $null = Invoke-CCExport -Name broken -Path $csv -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'MappedFieldMissing,*'
        $err.Exception.Message | Should -BeLike '*looks like data*-Header*'
        $run = Get-CCExportRun -Name broken
        foreach ($text in "$err", $run.Message) {
            $text | Should -Not -BeLike '*h1@example.com*'
            $text | Should -Not -BeLikeExactly '*Ann*'
        }
    }

    It 'checks -Encoding, -Delimiter and -Header before a run exists' {
        $csv = New-Csv -Name params.csv -Good 3 -Bad 0
        $folders = Get-RunFolder
        { Invoke-CCExport -Name broken -Path $csv -Encoding no-such-encoding } | Should -Throw -ErrorId 'EncodingInvalid,*'
        { Invoke-CCExport -Name broken -Path $csv -Delimiter '"' } | Should -Throw -ErrorId 'CsvOptionsInvalid,*'
        { Invoke-CCExport -Name broken -Path $csv -Header Email, email } | Should -Throw -ErrorId 'HeaderInvalid,*'
        { 'x' | Invoke-CCExport -Name broken -Encoding no-such-encoding } | Should -Throw -ErrorId 'EncodingInvalid,*'
        Get-RunFolder | Should -Be $folders
        # No Stopped run was left behind for -Resume to trip over.
        { Invoke-CCExport -Name broken -Resume } | Should -Throw -ErrorId 'RunNotFound,*'
    }
}

Describe 'CSV input' {
    It 'reads file objects piped in (Get-ChildItem, Get-Item) as the CSV files they are' {
        $export = New-Export -Name files
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestHome 'drop')
        $null = New-Csv -Name 'drop/a.csv' -Good 30 -Bad 0 -Prefix a
        $null = New-Csv -Name 'drop/b.csv' -Good 20 -Bad 0 -Prefix b
        $run = Get-ChildItem (Join-Path $folder '*.csv') | Invoke-CCExport -Name files
        $run.State | Should -Be 'Completed'
        $run.SubmittedCount | Should -Be 50
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).Count | Should -Be 50
        (Get-Item (Join-Path $folder 'a.csv') | Invoke-CCExport -Name files).InputCount | Should -Be 30
    }

    It 'reads files without a header row with -Header and another delimiter with -Delimiter' {
        $null = New-Export -Name plain
        $csv = Join-Path $TestHome 'plain.txt'
        Set-Content -Path $csv -Value @(for ($i = 0; $i -lt 12; $i++) { "p$i@example.com;Name$i;Newsletter" })
        $run = Invoke-CCExport -Name plain -Path $csv -Delimiter ';' -Header Email, FirstName, Segments
        $run.State | Should -Be 'Completed'
        $run.InputCount | Should -Be 12
        $run.SubmittedCount | Should -Be 12

        # Without -Header the first line is taken for the header, and the message points at -Header.
        $err = $null
        try { Invoke-CCExport -Name plain -Path $csv -Delimiter ';' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'MappedFieldMissing,*'
    }

    It 'takes a semicolon file''s delimiter when the sniffed one would be wrong, as the missing-column message advises' {
        $null = New-Export -Name semicolons
        $csv = Join-Path $TestHome 'one-column.csv'
        # A header with no delimiter at all sniffs as one column; the message suggests -Delimiter, which works.
        Set-Content -Path $csv -Value @('Email|FirstName|Segments', 'a@example.com|Ada|Newsletter')
        $err = $null
        try { Invoke-CCExport -Name semicolons -Path $csv -Delimiter ',' -ErrorAction Stop } catch { $err = $_ }
        "$err" | Should -BeLike '*give it with -Delimiter*'
        (Invoke-CCExport -Name semicolons -Path $csv -Delimiter '|').SubmittedCount | Should -Be 1
    }
}

Describe 'Several exports at once' {
    BeforeAll {
        $script:GoodCsv = New-Csv -Name multi-good.csv -Good 25 -Bad 0
        $null = New-Export -Name multi-a -Extra @{ SourcePath = $GoodCsv }
        $null = New-Export -Name multi-b
        $null = New-Export -Name multi-c -Extra @{ SourcePath = $GoodCsv }
    }

    It 'runs every export; the one without -SourcePath gets its own error after the others ran' {
        $failed = $null
        try { Get-CCExport -Name multi-* | Invoke-CCExport -OutVariable runs | Out-Null } catch { $failed = $_ }
        $runs.ExportName | Should -Be @('multi-a', 'multi-c')
        $runs.State | Should -Be @('Completed', 'Completed')
        $failed.FullyQualifiedErrorId | Should -BeLike 'NoInput,*'
        $failed.TargetObject | Should -Be 'multi-b'
    }

    It 'fails the invocation visibly: a catchable error under -ErrorAction Stop, exit code 1 from pwsh -File and pwsh -Command' {
        $err = $null
        $runsOfC = @(Get-CCExportRun -Name multi-c -Last 100).Count
        try { $null = Get-CCExport -Name multi-* | Invoke-CCExport -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'NoInput,*'
        @(Get-CCExportRun -Name multi-c -Last 100).Count | Should -Be ($runsOfC + 1) -Because 'multi-c ran after multi-b failed'

        $child = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-TestModulePath)'
Get-CCExport -Name multi-* | Invoke-CCExport | ForEach-Object { 'RUN=' + `$_.ExportName + ' ' + `$_.State }
"@
        $child.ExitCode | Should -Be 1
        $child.Output | Should -Be @('RUN=multi-a Completed', 'RUN=multi-c Completed')

        $command = @(Get-PwshCommandLine)
        $prefix = @($command | Select-Object -Skip 1)
        $null = & $command[0] @prefix -NoProfile -NonInteractive -Command "Import-Module '$(Get-TestModulePath)'; Get-CCExport -Name multi-* | Invoke-CCExport | Out-Null" 2>&1
        $LASTEXITCODE | Should -Be 1
    }

    It 'ends the script, not only the statement, under -ErrorAction Stop: what follows a failed run does not run, exit code 1' {
        $badCsv = New-Csv -Name mostly-bad.csv -Good 1 -Bad 5
        $cases = @(
            @{ Command = "Invoke-CCExport -Name multi-a -Path '$badCsv' -ErrorAction Stop"; Says = 'more than the export''s MaxRejectPercent' }
            @{ Command = 'Invoke-CCExport -Name multi-b -ErrorAction Stop'; Says = 'has no -SourcePath' }
        )
        foreach ($case in $cases) {
            $command = @(Get-PwshCommandLine)
            $prefix = @($command | Select-Object -Skip 1)
            $output = & $command[0] @prefix -NoProfile -NonInteractive -Command "Import-Module '$(Get-TestModulePath)'; $($case.Command) | Out-Null; 'NEXT STATEMENT RAN'" 2>&1
            $LASTEXITCODE | Should -Be 1 -Because $case.Command
            ($output -join "`n") | Should -Not -BeLike '*NEXT STATEMENT RAN*' -Because $case.Command
            ($output -join "`n") | Should -BeLike "*$($case.Says)*" -Because $case.Command
        }
    }

    It 'names every failed export in one ExportsFailed error when several fail' {
        $null = New-Export -Name multi-d
        $err = $null
        try { $null = Get-CCExport -Name multi-* | Invoke-CCExport -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ExportsFailed,*'
        "$err" | Should -BeLike '*2 of 4 exports failed; the others ran.*multi-b: NoInput*multi-d: NoInput*'
        Remove-CCExport -Name multi-d -Confirm:$false
    }

    It 'says all failed when all do, and gives each export''s message once' {
        $null = New-Export -Name allfail-a
        $null = New-Export -Name allfail-b
        $err = $null
        try { $null = Get-CCExport -Name allfail-* | Invoke-CCExport -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ExportsFailed,*'
        "$err" | Should -BeLike 'All 2 exports failed. *allfail-a: NoInput*allfail-b: NoInput*'
        "$err" | Should -Not -BeLike '*the others ran*'
        ([regex]::Matches("$err", 'has no -SourcePath')).Count | Should -Be 2
        Remove-CCExport -Name allfail-a, allfail-b -Confirm:$false
    }
}

Describe 'A -RejectPath that would lose data' {
    BeforeAll {
        $null = New-Export -Name rejects
        $script:RejectsCsv = New-Csv -Name rejects-in.csv -Good 5 -Bad 1
        $script:RejectsContent = Get-Content $RejectsCsv -Raw
    }

    It 'refuses <ErrorId> for <What>, before a run exists and under -WhatIf too' -ForEach @(
        @{ What = 'the input file'; ErrorId = 'RejectPathIsInput'; Path = { $RejectsCsv } }
        @{ What = 'the input file spelled another way'; ErrorId = 'RejectPathIsInput'; Path = { Join-Path $TestHome "runs/../rejects-in.csv" } }
        @{ What = 'a file that is not a reject report'; ErrorId = 'RejectPathNotReport'; Path = { $p = Join-Path $TestHome 'my-notes.txt'; Set-Content $p 'keep me'; $p } }
        @{ What = 'a folder'; ErrorId = 'RejectPathInvalid'; Path = { $TestHome } }
        @{ What = 'a path in a folder that does not exist'; ErrorId = 'RejectPathInvalid'; Path = { Join-Path $TestHome 'no-such-folder/rejects.csv' } }
    ) {
        $rejectPath = & $Path
        $folders = Get-RunFolder
        $before = Get-ActivityRequestCount
        foreach ($whatIf in $false, $true) {
            $err = $null
            try { $null = Invoke-CCExport -Name rejects -Path $RejectsCsv -RejectPath $rejectPath -MaxRejectPercent 50 -WhatIf:$whatIf -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            $err.Exception.Message | Should -Not -BeLike '*System.*Exception*'
        }

        Get-Content $RejectsCsv -Raw | Should -Be $RejectsContent
        if ($ErrorId -eq 'RejectPathNotReport') { Get-Content $rejectPath | Should -Be 'keep me' }
        Get-RunFolder | Should -Be $folders
        Get-ActivityRequestCount | Should -Be $before
        # No run was left Staging for -Resume to pick.
        { Invoke-CCExport -Name rejects -Resume -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,*'
    }

    It 'refuses the export''s own -SourcePath as -RejectPath' {
        $null = New-Export -Name rejects-source -Extra @{ SourcePath = $RejectsCsv }
        { Invoke-CCExport -Name rejects-source -RejectPath $RejectsCsv -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'RejectPathIsInput,*'
        Get-Content $RejectsCsv -Raw | Should -Be $RejectsContent
    }

    It 'refuses a symbolic link RejectPathUnsafe' -Skip:$IsWindows {
        $link = Join-Path $TestHome 'rejects-link.csv'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target (Join-Path $TestHome 'rejects-target.csv')
        { Invoke-CCExport -Name rejects -Path $RejectsCsv -RejectPath $link -ErrorAction Stop } | Should -Throw -ErrorId 'RejectPathUnsafe,*'
        Test-Path (Join-Path $TestHome 'rejects-target.csv') | Should -BeFalse
    }

    It 'replaces an older reject report' {
        $report = Join-Path $TestHome 'rejects-report.csv'
        $run = Invoke-CCExport -Name rejects -Path $RejectsCsv -RejectPath $report -MaxRejectPercent 50 -WarningAction SilentlyContinue
        $run.State | Should -Be 'Completed'
        $run = Invoke-CCExport -Name rejects -Path $RejectsCsv -RejectPath $report -MaxRejectPercent 50 -WarningAction SilentlyContinue
        $run.State | Should -Be 'Completed'
        @(Import-Csv $report).Count | Should -Be 1
    }
}

Describe 'Run ids and unfinished runs' {
    It 'fails RunIdInvalid for a -RunId that is a path, in Invoke-CCExport -Resume and Get-CCExportRun' {
        $null = New-Export -Name ids
        { Invoke-CCExport -Name ids -Resume -RunId ../../victim -ErrorAction Stop } | Should -Throw -ErrorId 'RunIdInvalid,*'
        { Get-CCExportRun -RunId ../.. -ErrorAction Stop } | Should -Throw -ErrorId 'RunIdInvalid,*'
    }

    It 'a -WhatIf run prunes nothing, and an unfinished run is kept (and resumes) whatever RetainDays says' {
        $null = New-Export -Name keep -Extra @{ RetainDays = 0 }
        $unfinished = Invoke-CCExport -Name keep -Path (New-Csv -Name keep-1.csv -Good 5 -Bad 0) -NoWait
        $unfinished.State | Should -Be 'Submitted'
        $whatIf = Invoke-CCExport -Name keep -Path (New-Csv -Name keep-2.csv -Good 5 -Bad 0) -WhatIf
        $whatIf.State | Should -Be 'WhatIf'
        Get-RunFolder | Should -Contain $unfinished.RunId
        Get-RunFolder | Should -Contain $whatIf.RunId

        # A run that sends prunes the finished -WhatIf run (RetainDays 0), not the unfinished one.
        $sent = Invoke-CCExport -Name keep -Path (New-Csv -Name keep-3.csv -Good 5 -Bad 0)
        $sent.State | Should -Be 'Completed'
        Get-RunFolder | Should -Not -Contain $whatIf.RunId
        Get-RunFolder | Should -Contain $unfinished.RunId
        (Invoke-CCExport -Name keep -Resume -RunId $unfinished.RunId).State | Should -Be 'Completed'
    }
}
