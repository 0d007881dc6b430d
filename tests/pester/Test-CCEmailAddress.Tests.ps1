BeforeAll {
    Import-Module (Join-Path $PSScriptRoot TestHelpers.psm1)
    Import-Module (Get-TestModulePath)

    function ConvertFrom-CorpusEscape {
        # The corpus file's escapes: \\ \t \n \r \xNN (shared/data/email-cases/README.md).
        param([string] $Text)
        [regex]::Replace($Text, '\\(\\|t|n|r|x[0-9A-Fa-f]{2})', {
                param($match)
                $escape = $match.Groups[1].Value
                switch -CaseSensitive ($escape) {
                    '\' { '\' }
                    't' { "`t" }
                    'n' { "`n" }
                    'r' { "`r" }
                    default { [string][char][Convert]::ToInt32($escape.Substring(1), 16) }
                }
            })
    }

    function Format-Address {
        # Invisible and non-ASCII characters as \uXXXX, so that a failure message shows what was tested.
        param([AllowNull()] [string] $Address)
        $text = foreach ($c in $Address.ToCharArray()) {
            if ($c -ge ' ' -and $c -lt [char]0x7F) { $c } else { '\u{0:X4}' -f [int]$c }
        }
        '"' + (-join $text) + '"'
    }
}

Describe 'Test-CCEmailAddress' {
    Context 'Plain answers' {
        It 'answers $true or $false for each piped string' {
            $results = 'john@example.com', 'not an address', ' Jane@Example.COM ' | Test-CCEmailAddress
            $results | Should -Be @($true, $false, $true)
            foreach ($result in $results) { $result | Should -BeOfType [bool] }
        }

        It 'takes addresses by position and as an array' {
            Test-CCEmailAddress 'ada@example.com' | Should -BeTrue
            Test-CCEmailAddress -Address 'ada@example.com', 'ada@', 'ada@example.test' | Should -Be @($true, $false, $false)
        }

        It 'writes no error for invalid addresses' {
            $results = 'x', '@', 'a@b', "a@b.com`n" | Test-CCEmailAddress -ErrorVariable problems -ErrorAction Stop
            $results | Should -Be @($false, $false, $false, $false)
            $problems | Should -BeNullOrEmpty
        }
    }

    Context '-Detailed' {
        It 'returns a CCEmailAddressTestResult with Address, IsValid, Normalized and Reason' {
            $results = ' John.Smith@Example.COM ', 'john@example.test', 'john.example.com' | Test-CCEmailAddress -Detailed
            $results.Count | Should -Be 3
            $results[0].GetType().FullName | Should -Be 'ConstantContactExport.CCEmailAddressTestResult'
            $results[0].PSObject.Properties.Name | Should -Be @('Address', 'IsValid', 'Normalized', 'Reason')

            $results[0].Address | Should -Be ' John.Smith@Example.COM '
            $results[0].IsValid | Should -BeTrue
            $results[0].Normalized | Should -Be 'John.Smith@example.com'
            $results[0].Reason | Should -BeNullOrEmpty

            $results[1].IsValid | Should -BeFalse
            $results[1].Normalized | Should -BeNullOrEmpty
            $results[1].Reason | Should -Be 'SpecialUseDomain'
            $results[2].Reason | Should -Be 'MissingAt'
        }

        It 'normalizes an IDN domain to punycode' {
            $result = "jeff@`u{81FA}`u{7DB2}`u{4E2D}`u{5FC3}.tw" | Test-CCEmailAddress -Detailed
            $result.IsValid | Should -BeTrue
            $result.Normalized | Should -Be 'jeff@xn--fiqq24b10vi0d.tw'

            ("hans@M`u{00DC}LLER.com" | Test-CCEmailAddress -Detailed).Normalized | Should -Be 'hans@xn--mller-kva.com'
        }

        It 'refuses a non-ASCII local part as NonAsciiLocalPart' {
            ("`u{00F1}o`u{00F1}o@example.com" | Test-CCEmailAddress -Detailed).Reason | Should -Be 'NonAsciiLocalPart'
        }
    }

    Context 'Binding by property name' {
        It 'binds the <Property> property of piped objects' -ForEach @(
            @{ Property = 'Email' }, @{ Property = 'Mail' }, @{ Property = 'EmailAddress' },
            @{ Property = 'PrimaryEmail' }, @{ Property = 'Address' }
        ) {
            $profiles = @(
                [pscustomobject]@{ Name = 'Ada'; $Property = 'ada@example.com' }
                [pscustomobject]@{ Name = 'Bob'; $Property = 'bob@@example.com' }
            )
            $profiles | Test-CCEmailAddress | Should -Be @($true, $false)
        }

        It 'binds the Email column of CSV rows' {
            $rows = "Name,Email`nAda,ada@example.com`nNobody,`nBob,bob at example.com" | ConvertFrom-Csv
            $results = $rows | Test-CCEmailAddress -Detailed
            $results.IsValid | Should -Be @($true, $false, $false)
            $results[0].Reason | Should -BeNullOrEmpty
            $results[1].Reason | Should -Be 'Empty'
            $results[2].Reason | Should -Be 'MissingAt'
        }
    }

    Context 'Empty and null' {
        It 'answers $false for <Case> without a binding error' -ForEach @(
            @{ Case = 'an empty string piped'; Script = { '' | Test-CCEmailAddress } }
            @{ Case = '$null piped'; Script = { $null | Test-CCEmailAddress } }
            @{ Case = '-Address $null'; Script = { Test-CCEmailAddress -Address $null } }
            @{ Case = "-Address ''"; Script = { Test-CCEmailAddress -Address '' } }
            @{ Case = 'white space'; Script = { "  `t " | Test-CCEmailAddress } }
            @{ Case = 'a null Email property'; Script = { [pscustomobject]@{ Email = $null } | Test-CCEmailAddress } }
        ) {
            # Errors are merged into the output, so a binding error would show up as an extra item.
            $output = @(& $Script 2>&1)
            $output.Count | Should -Be 1
            $output[0] | Should -BeOfType [bool]
            $output[0] | Should -BeFalse
        }

        It 'answers each element of an array that holds null and empty' {
            Test-CCEmailAddress -Address @('ada@example.com', $null, '') | Should -Be @($true, $false, $false)
        }

        It 'gives Reason Empty with -Detailed' {
            $result = Test-CCEmailAddress -Address $null -Detailed
            $result.IsValid | Should -BeFalse
            $result.Address | Should -BeNullOrEmpty
            $result.Reason | Should -Be 'Empty'
        }

        It 'outputs nothing for an empty array' {
            Test-CCEmailAddress -Address @() | Should -BeNullOrEmpty
        }
    }

    Context 'The shared corpus' {
        BeforeAll {
            $corpusPath = Get-SharedDataPath 'email-cases/email_cases.tsv'
            $script:rows = foreach ($line in [System.IO.File]::ReadAllLines($corpusPath, [System.Text.Encoding]::UTF8) | Select-Object -Skip 1) {
                $columns = $line.Split("`t")
                [pscustomobject]@{
                    Address  = ConvertFrom-CorpusEscape $columns[0]
                    Expected = $columns[1] -eq 'valid'
                    Tag      = $columns[3].Split(' ')[0]
                }
            }

            # Rows where the product's policy differs from the corpus (docs/email-validation.md), by name.
            $script:policyExceptions = @(
                # Surrounding white space is trimmed.
                @{ Address = "`u{2005}x@example.com"; Normalized = 'x@example.com'; Reason = $null }
                @{ Address = "`u{2028}x@example.com"; Normalized = 'x@example.com'; Reason = $null }
                # Constant Contact takes at most 80 characters.
                @{ Address = ('a' * 64) + '@' + ('a' * 63) + '.com'; Normalized = $null; Reason = 'TooLong' }
                @{ Address = 'the-character-limit@for-each-part.of-the-domain.is-sixty-three-characters.this-is-exactly-sixty-three-characters-so-it-is-valid-blah-blah.com'; Normalized = $null; Reason = 'TooLong' }
                @{ Address = 'the-total-length@of-an-entire-address.cannot-be-longer-than-two-hundred-and-fifty-six-characters.and-this-address-is-256-characters-exactly.so-it-should-be-valid.and-im-going-to-add-some-more-words-here.to-increase-the-length-blah-blah-blah-blah-blah.org'; Normalized = $null; Reason = 'TooLong' }
                @{ Address = 'valid@' + ('a' * 60) + '.' + ('b' * 60) + '.' + ('c' * 60) + '.' + ('d' * 61) + '.com'; Normalized = $null; Reason = 'TooLong' }
                @{ Address = ('a' * 64) + '@' + ('a' * 45) + '.' + ('b' * 46) + '.' + ('c' * 45) + '.' + ('d' * 46) + '.com'; Normalized = $null; Reason = 'TooLong' }
                @{ Address = 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghiklm@' + ('abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghikl.' * 2) + 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi'; Normalized = $null; Reason = 'TooLong' }
            )
        }

        It 'reads the 557 rows' {
            $rows.Count | Should -Be 557
            @($rows | Where-Object Tag -EQ 'CONSENSUS').Count | Should -Be 377
        }

        It 'agrees with every CONSENSUS row except the named policy exceptions' {
            $exceptionAddresses = [System.Collections.Generic.HashSet[string]]::new(
                [string[]]@($policyExceptions | ForEach-Object { $_.Address }), [System.StringComparer]::Ordinal)
            $consensus = @($rows | Where-Object { $_.Tag -eq 'CONSENSUS' -and -not $exceptionAddresses.Contains($_.Address) })
            $consensus.Count | Should -Be (377 - $policyExceptions.Count)

            # The rows bind by their Address property. ($consensus.Address would be Array.Address, a method.)
            $results = @($consensus | Test-CCEmailAddress -Detailed)
            $results.Count | Should -Be $consensus.Count
            $mismatches = for ($i = 0; $i -lt $consensus.Count; $i++) {
                if ($results[$i].IsValid -ne $consensus[$i].Expected) {
                    '{0}: corpus says {1}, cmdlet says {2}' -f (Format-Address $consensus[$i].Address),
                    $(if ($consensus[$i].Expected) { 'valid' } else { 'invalid' }),
                    $(if ($results[$i].IsValid) { 'valid' } else { "invalid ($($results[$i].Reason))" })
                }
            }
            $mismatches -join "`n" | Should -BeNullOrEmpty
        }

        It 'gives each named policy exception its policy result, against the corpus' {
            foreach ($exception in $policyExceptions) {
                $row = @($rows | Where-Object Address -CEQ $exception.Address)
                $row.Count | Should -Be 1 -Because "$(Format-Address $exception.Address) is in the corpus"
                $row[0].Tag | Should -Be 'CONSENSUS'

                $result = $exception.Address | Test-CCEmailAddress -Detailed
                $result.IsValid | Should -Not -Be $row[0].Expected -Because "$(Format-Address $exception.Address) is an exception"
                $result.Normalized | Should -Be $exception.Normalized
                $result.Reason | Should -Be $exception.Reason
            }
        }
    }

    Context 'The command' {
        It 'has the aliases that profile sources use for the address' {
            $parameter = (Get-Command Test-CCEmailAddress).Parameters['Address']
            $parameter.Aliases | Sort-Object | Should -Be @('Email', 'EmailAddress', 'Mail', 'PrimaryEmail')
        }
    }
}
