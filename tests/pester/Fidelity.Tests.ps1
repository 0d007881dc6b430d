# What the real Constant Contact would see, end to end through the built module and the sandbox: import bodies
# that keep the vendor's schema (birthdays as integers, emails within the import's 50 characters), and runs whose
# imports end cancelled, failed or timed_out.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '50')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice

    function script:New-BirthdayExport {
        param([string] $Name)
        Set-CCExport -Name $Name -Connection sandbox -ListName $Name -CreateList -EmailField Email -FirstNameField FirstName `
            -Attribute @{ birthday_month = 'BirthMonth'; birthday_day = 'BirthDay' } -Segment Newsletter -SegmentField Segments -PassThru
    }

    function script:Set-ActivityEnd {
        param([string[]] $End)
        $body = @{ ends = $End } | ConvertTo-Json
        Invoke-RestMethod -Method Post -Uri "$($Sandbox.Root)/__sandbox/activity-ends" -Body $body -ContentType 'application/json'
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Import bodies keep the vendor schema' {
    It 'lands birthdays as integers (the sandbox refuses strings, as a schema-checking server does)' {
        $export = New-BirthdayExport -Name birthdays
        $profiles = @(
            [pscustomobject]@{ Email = 'may@example.com'; FirstName = 'May'; BirthMonth = '05'; BirthDay = '9'; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'dec@example.com'; FirstName = 'Dec'; BirthMonth = '12'; BirthDay = '31'; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = 'none@example.com'; FirstName = 'None'; Segments = 'Newsletter' }
        )
        $run = $profiles | Invoke-CCExport -Name birthdays
        $run.State | Should -Be 'Completed'
        $run.ImportedCount | Should -Be 3
        $members = @(Get-SandboxListMember $Sandbox $export.ListIds[0])
        $may = $members | Where-Object { $_.email_address.address -eq 'may@example.com' }
        $may.birthday_month | Should -Be 5
        $may.birthday_month | Should -BeOfType [long]
        $may.birthday_day | Should -Be 9
        ($members | Where-Object { $_.email_address.address -eq 'dec@example.com' }).birthday_day | Should -Be 31
        ($members | Where-Object { $_.email_address.address -eq 'none@example.com' }).birthday_month | Should -BeNullOrEmpty
    }

    It 'holds back a valid 51-80 character address as EmailTooLongForImport and sends the rest' {
        # One reject in two profiles: past the default MaxRejectPercent, which is not what this test is about.
        $export = Set-CCExport -Name longmail -Connection sandbox -ListName longmail -CreateList -EmailField Email -Segment Newsletter -SegmentField Segments `
            -MaxRejectPercent 100 -PassThru
        $fifty = ('a' * 38) + '@example.com'        # 50 characters: the import schema's most
        $sixty = ('b' * 48) + '@example.com'        # valid for Constant Contact (80), too long for the import
        $fifty.Length | Should -Be 50
        $sixty.Length | Should -Be 60
        $run = @(
            [pscustomobject]@{ Email = $fifty; Segments = 'Newsletter' }
            [pscustomobject]@{ Email = $sixty; Segments = 'Newsletter' }
        ) | Invoke-CCExport -Name longmail -WarningVariable warnings -WarningAction SilentlyContinue
        $run.State | Should -Be 'Completed'
        $run.SubmittedCount | Should -Be 1
        $run.InvalidCount | Should -Be 1
        $rejects = @(Import-Csv $run.RejectPath)
        $rejects.Count | Should -Be 1
        $rejects[0].Reason | Should -Be 'EmailTooLongForImport'
        ($warnings -join "`n") | Should -Match 'EmailTooLongForImport'
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).email_address.address | Should -Be @($fifty)
    }
}

Describe 'Imports that Constant Contact does not finish' {
    It 'ends the run Failed with ExportFailed when the import ends <End>' -ForEach @(
        @{ End = 'failed' }
        @{ End = 'timed_out' }
        @{ End = 'cancelled' }
    ) {
        $export = Set-CCExport -Name "ends-$End" -Connection sandbox -ListName "ends-$End" -CreateList -EmailField Email -Segment Newsletter -SegmentField Segments -PassThru
        $null = Set-ActivityEnd -End $End
        $profiles = 1..3 | ForEach-Object { [pscustomobject]@{ Email = "p$_@example.com"; Segments = 'Newsletter' } }
        $thrown = $null
        try { $profiles | Invoke-CCExport -Name "ends-$End" -ErrorAction Stop }
        catch { $thrown = $_ }
        $thrown | Should -Not -BeNullOrEmpty
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ExportFailed,*'
        "$thrown" | Should -BeLike "*did not finish 1 of 1 imports (1 $End)*"
        "$thrown" | Should -BeLike '*run the export again with the same input*'
        $run = Get-CCExportRun -Name "ends-$End" | Select-Object -First 1
        $run.State | Should -Be 'Failed'
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).Count | Should -Be 0

        # The fault is used up: the same input sent again gets in.
        $again = $profiles | Invoke-CCExport -Name "ends-$End"
        $again.State | Should -Be 'Completed'
        @(Get-SandboxListMember $Sandbox $export.ListIds[0]).Count | Should -Be 3
    }
}
