# Issue #7, bad input through the built module: random mixes of pipeline objects ($null, numbers, bare strings,
# nested hashtables and objects, script blocks, lists, 10,000-character strings, control characters, broken
# UTF-16, getters that throw) and CSV files with broken UTF-8 and UTF-16 bytes. No terminating error; each bad
# profile is one Invalid profile with its reason (one error record, one reject row); the ledger is exact; the
# imports hold exactly the profiles that were to be sent. The fate of every object is known by construction.
# The engine's property tests (tests/ConstantContactExport.Engine.Tests/Staging/BadInputTests.cs) do the same for
# profile values and CSV bytes at scale; Export.Tests.ps1 sends one of every kind to the sandbox field by field.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    $script:FuzzSeeds = 1..(Get-ReliabilityScale).ObjectFuzzRuns | ForEach-Object { @{ Seed = $_ } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice 6>$null
    $null = Set-CCExport -Name fuzz -Connection sandbox -ListName Fuzz -CreateList -EmailField Email -FirstNameField FirstName -LastNameField LastName `
        -Attribute @{ city = 'City' } -Segment Newsletter -SegmentField Segments -MaxRejectPercent 100

    $script:Table = [System.Data.DataTable]::new()
    foreach ($column in 'Email', 'FirstName', 'LastName', 'City', 'Segments') { $null = $Table.Columns.Add($column) }

    function script:New-FuzzObject {
        <#
        .SYNOPSIS
            One pipeline object and what must become of it: Fate (Submitted, Duplicate, OutOfSegment, Invalid),
            Reason (the ErrorId of an Invalid one), Email (as it must be sent, for a Submitted one).
        #>
        param([System.Random] $Random, [int] $Index, [System.Collections.Generic.List[int]] $Sent)
        $email = "o$Index@example.com"
        $first = @('Ada', ' Zoë ', '東京', 42, [datetime]'2020-01-02', $null, '', [DBNull]::Value, [guid]'6f1c1bd8-3c07-4c44-8e2e-5a3f0a1b2c3d')[$Random.Next(9)]
        $last = @("O'Brien", 'García', $null, 3.5, 'x' * 50)[$Random.Next(5)]
        $city = @('Boston', 'São Paulo', $null, '')[$Random.Next(4)]
        $segments = @('Newsletter', @('VIP', 'Newsletter'), 'vip; NEWSLETTER', [System.Collections.Generic.List[string]]@('Newsletter'))[$Random.Next(4)]
        $fate = 'Submitted'
        $reason = $null
        $shape = $Random.Next(6)
        $roll = $Random.Next(100)
        if ($roll -lt 25) {
            $fate = 'Invalid'
            switch ($Random.Next(21)) {
                0 { return @{ Object = $null; Fate = 'Invalid'; Reason = 'NotAProfile' } }
                1 { return @{ Object = $Random.Next(); Fate = 'Invalid'; Reason = 'NotAProfile' } }
                2 { return @{ Object = [decimal]3.25; Fate = 'Invalid'; Reason = 'NotAProfile' } }
                3 { return @{ Object = $email; Fate = 'Invalid'; Reason = 'NotAProfile' } }
                4 { return @{ Object = $true; Fate = 'Invalid'; Reason = 'NotAProfile' } }
                5 { $first = @{ nested = @{ deeper = 1 } }; $reason = 'FieldNotText' }
                6 { $first = [pscustomobject]@{ x = 1 }; $reason = 'FieldNotText' }
                7 { $first = { 'a script block' }; $reason = 'FieldNotText' }
                8 { $first = 'A', 'B'; $reason = 'FieldNotText' }
                9 { $first = 'x' * 10000; $reason = 'FieldTooLong' }
                10 { $email = ('a' * 10000) + '@example.com'; $reason = 'EmailInvalid' }
                11 { $last = "Bell`u{0007}"; $reason = 'InvalidCharacters' }
                12 { $city = "two`nlines"; $reason = 'InvalidCharacters' }
                13 { $first = "broken $([char]0xD800) pair"; $reason = 'InvalidEncoding' }
                14 { $email = "o$Index@exa$([char]0xDC00)mple.com"; $reason = 'InvalidEncoding' }
                15 { $email = $null; $reason = 'EmailMissing' }
                16 { $email = '   '; $reason = 'EmailMissing' }
                17 { $email = @("o$Index@example.com", 'other@example.com'); $reason = 'FieldNotText' }
                18 { $segments = @{ segment = 'Newsletter' }; $reason = 'FieldNotText' }
                19 { $city = [byte[]](0xC3, 0x28); $reason = 'FieldNotText' }
                20 { $shape = 6; $reason = 'FieldNotText' }   # a getter that throws
            }
        }
        elseif ($roll -lt 35) {
            # Out of segment wins over anything wrong in the other fields.
            $segments = @('Prospects', '', $null)[$Random.Next(3)]
            if ($Random.Next(2) -eq 0) { $first = @{ ignored = 'because out of segment' } }
            $fate = 'OutOfSegment'
        }
        elseif ($roll -lt 45 -and $Sent.Count -gt 0) {
            $email = "  O$($Sent[$Random.Next($Sent.Count)])@EXAMPLE.com "
            $fate = 'Duplicate'
        }
        else {
            $Sent.Add($Index)
            # Sent trimmed, the domain in lower case, the local part as written.
            $sentAs = $email
            if ($Random.Next(2) -eq 0) { $email = " O$Index@Example.COM "; $sentAs = "O$Index@example.com" }
        }
        $values = [ordered]@{ Email = $email; FirstName = $first; LastName = $last; City = $city; Segments = $segments }
        $object = switch ($shape) {
            0 { [pscustomobject]$values }
            1 { [hashtable]$values }
            2 { $values }
            3 { $d = [System.Collections.Generic.Dictionary[string, object]]::new(); foreach ($k in $values.Keys) { $d[$k.ToLowerInvariant()] = $values[$k] }; $d }
            4 {
                $nested = @($values.Values | Where-Object { ($_ -is [System.Collections.IEnumerable] -and $_ -isnot [string]) -or $_ -is [System.Management.Automation.PSCustomObject] -or $_ -is [scriptblock] })
                if ($nested.Count -gt 0) { [pscustomobject]$values }
                else {
                    # A DataRow (Invoke-Sqlcmd's rows): every cell text, or DBNull.
                    $row = $Table.NewRow()
                    foreach ($k in $values.Keys) { $row[$k] = if ($null -eq $values[$k] -or $values[$k] -is [DBNull]) { [DBNull]::Value } else { "$($values[$k])" } }
                    $row
                }
            }
            5 { $o = [pscustomobject]@{}; foreach ($k in $values.Keys) { $o | Add-Member -NotePropertyName $k.ToUpperInvariant() -NotePropertyValue $values[$k] }; $o }
            6 { $o = [pscustomobject]$values; $o.PSObject.Properties.Remove('FirstName'); $o | Add-Member -MemberType ScriptProperty -Name FirstName -Value { throw 'the directory did not answer' }; $o }
        }
        @{ Object = $object; Fate = $fate; Reason = $reason; Email = $(if ($fate -eq 'Submitted') { $sentAs }) }
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Pipeline objects of every kind' {
    It 'gives each bad object one Invalid profile with its reason, and an exact ledger (seed <Seed>)' -ForEach $FuzzSeeds {
        $random = [System.Random]::new($Seed)
        $sent = [System.Collections.Generic.List[int]]::new()
        $cases = for ($i = 0; $i -lt 1500; $i++) { New-FuzzObject -Random $random -Index $i -Sent $sent }
        $objects = foreach ($case in $cases) { , $case.Object }

        # Sent for real, to a list of its own: a run deletes its staged bodies once it no longer needs them, so what was
        # sent is read back from the sandbox.
        $listId = (Set-CCExport -Name fuzz -ListName "Fuzz $Seed" -CreateList -PassThru).ListIds[0]
        $run = $objects | Invoke-CCExport -Name fuzz -ErrorPerReject -ErrorAction SilentlyContinue -ErrorVariable rejected
        $run.State | Should -Be 'Completed'
        $run.InputCount | Should -Be $cases.Count
        foreach ($fate in 'OutOfSegment', 'Invalid', 'Duplicate', 'Submitted') {
            $run."$($fate)Count" | Should -Be @($cases | Where-Object Fate -EQ $fate).Count -Because $fate
        }
        # One error record per Invalid profile, in order, each with the reason built into it.
        $expectedReasons = @($cases | Where-Object Fate -EQ 'Invalid' | ForEach-Object Reason)
        $rejected.Count | Should -Be $expectedReasons.Count
        @($rejected | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be $expectedReasons
        @($rejected | Where-Object { $_.CategoryInfo.Category -ne 'InvalidData' }).Count | Should -Be 0
        @(Import-Csv $run.RejectPath).Count | Should -Be $expectedReasons.Count
        # The imports held exactly the profiles to be sent.
        $run.ImportedCount | Should -Be $run.SubmittedCount
        @(Get-SandboxListMember $Sandbox $listId | ForEach-Object { $_.email_address.address } | Sort-Object) |
            Should -Be @($cases | Where-Object Fate -EQ 'Submitted' | ForEach-Object Email | Sort-Object)
    }

    It 'gives mixed shapes in one pipeline the same ledger and reject report as the same profiles all [pscustomobject]' {
        # The reader takes [pscustomobject] rows on a path of their own; any other shape between them must read alike.
        # (Typed properties are object: PowerShell would make a $null given to a string property an empty string.)
        if (-not ('CcePester.ShapeUser2' -as [type])) {
            Add-Type -TypeDefinition 'namespace CcePester { public sealed class ShapeUser2 { public object Email { get; set; } public object FirstName { get; set; } public object LastName { get; set; } public object City { get; set; } public string[] Segments { get; set; } } }'
        }
        $random = [System.Random]::new(7)
        $uniform = [System.Collections.Generic.List[object]]::new()
        $mixed = [System.Collections.Generic.List[object]]::new()
        for ($i = 0; $i -lt 600; $i++) {
            $email = @("s$i@example.com", " s$($i - 3)@Example.com ", 'not-an-address', $null)[[math]::Min(3, $random.Next(12) / 3)]
            $values = [ordered]@{
                Email = $email; FirstName = @('Ada', ('x' * 60), $null)[$random.Next(3)]; LastName = @('Lovelace', 42, [datetime]'2020-01-02')[$random.Next(3)]
                City = 'Boston'; Segments = @('Newsletter', 'Prospects')[$random.Next(2)]
            }
            $uniform.Add([pscustomobject]$values)
            $mixed.Add($(switch ($i % 6) {
                0 { [pscustomobject]$values }
                1 { [hashtable]$values }
                2 { $o = [pscustomobject]@{}; foreach ($k in $values.Keys) { $o | Add-Member -NotePropertyName $k.ToLowerInvariant() -NotePropertyValue $values[$k] }; $o }
                3 { $o = [pscustomobject]@{ Mail = $values.Email }; $o | Add-Member -MemberType AliasProperty -Name Email -Value Mail; foreach ($k in 'FirstName', 'LastName', 'City', 'Segments') { $o | Add-Member -NotePropertyName $k -NotePropertyValue $values[$k] }; $o }
                4 { [CcePester.ShapeUser2]@{ Email = $values.Email; FirstName = $values.FirstName; LastName = $values.LastName; City = $values.City; Segments = @($values.Segments) } }
                5 { $row = $Table.NewRow(); foreach ($k in $values.Keys) { $row[$k] = if ($null -eq $values[$k]) { [DBNull]::Value } else { [string]$values[$k] } }; $row }
            }))
        }
        $one = $uniform | Invoke-CCExport -Name fuzz -WhatIf -ErrorAction SilentlyContinue 3>$null
        $other = $mixed | Invoke-CCExport -Name fuzz -WhatIf -ErrorAction SilentlyContinue 3>$null
        foreach ($count in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'SubmittedCount') {
            $other.$count | Should -Be $one.$count -Because $count
        }
        $one.InvalidCount | Should -BeGreaterThan 0
        $one.DuplicateCount | Should -BeGreaterThan 0
        (Get-Content $other.RejectPath) | Should -Be (Get-Content $one.RejectPath)
    }

    It 'takes a list given to -InputObject, or piped as one object, item by item as the same objects piped' {
        $objects = @(
            [pscustomobject]@{ Email = 'l1@example.com'; FirstName = 'Ada'; LastName = 'Lovelace'; City = 'London'; Segments = 'Newsletter' }
            @{ Email = 'l2@example.com'; FirstName = 'Grace'; LastName = 'Hopper'; City = 'New York'; Segments = 'Newsletter' }
            $null
            'l3@example.com'
            [pscustomobject]@{ Email = 'not-an-address'; FirstName = 'Alan'; LastName = 'Turing'; City = 'London'; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'l1@example.com'; FirstName = 'Ada'; LastName = 'Lovelace'; City = 'London'; Segments = 'Newsletter' }
        )
        $piped = $objects | Invoke-CCExport -Name fuzz -WhatIf -ErrorAction SilentlyContinue 3>$null
        $given = Invoke-CCExport -Name fuzz -InputObject $objects -WhatIf -ErrorAction SilentlyContinue 3>$null
        $list = , [System.Collections.Generic.List[object]]$objects | Invoke-CCExport -Name fuzz -WhatIf -ErrorAction SilentlyContinue 3>$null
        ($piped.InputCount, $piped.InvalidCount, $piped.DuplicateCount, $piped.SubmittedCount) | Should -Be @(6, 3, 1, 2)
        foreach ($run in $given, $list) {
            foreach ($count in 'InputCount', 'OutOfSegmentCount', 'InvalidCount', 'DuplicateCount', 'SubmittedCount') {
                $run.$count | Should -Be $piped.$count -Because $count
            }
            (Get-Content $run.RejectPath) | Should -Be (Get-Content $piped.RejectPath)
        }
    }
}

Describe 'CSV bytes that are not valid in their encoding' {
    It 'gives each row with broken UTF-8 or UTF-16 one InvalidEncoding profile, and the others go on' -ForEach @(
        @{ Encoding = 'utf-8'; Bom = $false }
        @{ Encoding = 'utf-16'; Bom = $true }
    ) {
        $encoding = if ($Encoding -eq 'utf-8') { [System.Text.UTF8Encoding]::new($false) } else { [System.Text.UnicodeEncoding]::new($false, $true) }
        $lines = @('Email,FirstName,LastName,City,Segments') + (1..40 | ForEach-Object { "b$_@example.com,Name $_,Last,City,Newsletter" })
        $bytes = [System.Collections.Generic.List[byte]]::new()
        $bytes.AddRange($encoding.GetPreamble())
        $broken = 5, 17, 29
        for ($i = 0; $i -lt $lines.Count; $i++) {
            $line = $encoding.GetBytes($lines[$i] + "`r`n")
            if ($i -in $broken) {
                # UTF-8: a lone continuation byte and a cut 3-byte sequence; UTF-16: an unpaired high surrogate.
                $bad = if ($Encoding -eq 'utf-8') { [byte[]](0x80, 0xE2, 0x82) } else { [byte[]](0x00, 0xD8) }
                $at = $encoding.GetByteCount("b$i@example.com,Na")
                $line = [byte[]]($line[0..($at - 1)] + $bad + $line[$at..($line.Length - 1)])
            }
            $bytes.AddRange([byte[]]$line)
        }
        $csv = Join-Path $TestHome "broken-$Encoding.csv"
        [System.IO.File]::WriteAllBytes($csv, $bytes.ToArray())

        $run = Invoke-CCExport -Name fuzz -Path $csv -WhatIf -ErrorPerReject -ErrorAction SilentlyContinue -ErrorVariable rejected
        $run.InputCount | Should -Be 40
        $run.InvalidCount | Should -Be 3
        $run.SubmittedCount | Should -Be 37
        $rejected.FullyQualifiedErrorId | ForEach-Object { $_.Split(',')[0] } | Should -Be @('InvalidEncoding', 'InvalidEncoding', 'InvalidEncoding')
        (Import-Csv $run.RejectPath).Line | Should -Be @('6', '18', '30')
    }
}
