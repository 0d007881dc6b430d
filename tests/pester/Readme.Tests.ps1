# The README runs as written: its ```powershell blocks, read from README.md when the test runs, are executed in
# order in one fresh pwsh against the sandbox, as a new user pasting them would. Only what must differ here is
# substituted: where the module was built, the app's API key placeholder (the sandbox's client id), the user's own
# modules folder (a temporary one, first in PSModulePath, for the install block to copy into), and the
# connection's base URIs (through $PSDefaultParameterValues, so the commands stay as written). The sandbox approves
# the device flow at once. ./profiles.csv, the user's data, is the demo's sample. A block preceded by
# <!-- readme-test: skip (reason) --> is skipped (it needs SQL Server, Active Directory, Azure Automation...);
# every other block must run without an error record.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    function script:Get-ReadmeBlock {
        # Every ```powershell block of the README: its text, its first line number, and the skip reason before it.
        $lines = Get-Content (Join-Path (Get-RepoRoot) 'README.md')
        $blocks = [System.Collections.Generic.List[object]]::new()
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^```powershell\s*$') { continue }
            $start = $i + 1
            $end = $start
            while ($end -lt $lines.Count -and $lines[$end] -notmatch '^```\s*$') { $end++ }
            $before = $i - 1
            while ($before -ge 0 -and $lines[$before].Trim() -eq '') { $before-- }
            $skip = if ($before -ge 0 -and $lines[$before] -match '^<!--\s*readme-test:\s*skip\s*\((.+)\)\s*-->\s*$') { $Matches[1] } else { $null }
            $blocks.Add([pscustomobject]@{ Line = $start + 1; Text = ($lines[$start..($end - 1)] -join "`n"); Skip = $skip })
            $i = $end
        }
        $blocks
    }

    $script:Blocks = @(Get-ReadmeBlock)
    $script:Runnable = @($Blocks | Where-Object { -not $_.Skip } | ForEach-Object { @{ Line = $_.Line; Text = $_.Text } })
    $script:Skipped = @($Blocks | Where-Object Skip | ForEach-Object { @{ Line = $_.Line; Reason = $_.Skip } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:TestHome = New-TestHome
    $script:WorkFolder = Join-Path $TestHome 'user'
    New-Item -ItemType Directory -Path $WorkFolder | Out-Null
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '20')
    # The user's data: the demo's made-up profiles (some out of segment, invalid or repeated).
    $null = New-SampleCsv -Path (Join-Path $WorkFolder 'profiles.csv') -Count 2000 -Seed 7

    # The README's blocks, in order, in one child pwsh. Each block runs as a script of its own, dot-sourced so that
    # what one block defines the next can use; the error records a block leaves are reported with its line.
    $blocks = @(Get-ReadmeBlock | Where-Object { -not $_.Skip })
    $modulePath = Get-TestModulePath
    $script:Journey = [System.Text.StringBuilder]::new()
    $null = $Journey.AppendLine(@"
`$ProgressPreference = 'SilentlyContinue'
`$env:CC_EXPORT_HOME = '$TestHome'
# The user's own modules folder, the first in PSModulePath, where the install block copies the module: a temporary one.
`$env:PSModulePath = '$(Join-Path $TestHome 'Modules')' + [System.IO.Path]::PathSeparator + `$env:PSModulePath
Set-Location '$WorkFolder'
`$PSDefaultParameterValues['New-CCConnection:ApiBaseUri'] = '$($Sandbox.ApiBaseUri)'
`$PSDefaultParameterValues['New-CCConnection:AuthBaseUri'] = '$($Sandbox.AuthBaseUri)'
function Write-BlockResult([int] `$line) {
    # Per-profile rejects are what a run reports about data, not failures of the command (see the README's ledger).
    `$reasons = 'EmailMissing', 'EmailInvalid', 'EmailTooLongForImport', 'FieldTooLong', 'FieldNotText', 'FieldInvalid', 'InvalidCharacters', 'InvalidEncoding', 'TooManyCustomFields', 'MalformedRow', 'NotAProfile'
    # One record for each failure (a terminating error caught by the block's try is in `$Error twice).
    `$failures = @(`$Error | Where-Object { (`$_.FullyQualifiedErrorId -split ',')[0] -notin `$reasons } |
        Group-Object { [System.Runtime.CompilerServices.RuntimeHelpers]::GetHashCode(`$_.Exception) } | ForEach-Object { `$_.Group[0] })
    foreach (`$failure in `$failures) { 'README-ERROR ' + `$line + ' ' + `$failure.FullyQualifiedErrorId + ': ' + `$failure }
    'README-BLOCK ' + `$line + ' ' + `$failures.Count
    `$Error.Clear()
}
`$Error.Clear()
"@)
    foreach ($block in $blocks) {
        $text = $block.Text.Replace('./out/ConstantContactExport/ConstantContactExport.psd1', $modulePath).Replace('./out/ConstantContactExport/', (Split-Path $modulePath) + '/').Replace('<your app API key>', $Sandbox.ClientId)
        $quoted = $text.Replace("'", "''")
        $null = $Journey.AppendLine("try { . ([scriptblock]::Create('$quoted')) | Out-Host } catch { <# PowerShell has recorded it in `$Error #> }")
        $null = $Journey.AppendLine("Write-BlockResult $($block.Line)")
    }
    $null = $Journey.AppendLine("'README-MODULE ' + (Get-Module ConstantContactExport).ModuleBase")
    $script:Result = Invoke-ChildPwsh -Script $Journey.ToString()
    $script:BlockResults = @{}
    foreach ($line in $Result.Output) {
        if ("$line" -match '^README-BLOCK (\d+) (\d+)$') { $BlockResults[[int]$Matches[1]] = [int]$Matches[2] }
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The README' {
    It 'has journey blocks to run, and says why it skips the others' {
        $Runnable.Count | Should -BeGreaterOrEqual 5
        foreach ($skipped in $Skipped) { $skipped.Reason | Should -Match '\w{3,}' }
    }

    It 'runs the block at line <Line> without an error' -ForEach $Runnable {
        $BlockResults.ContainsKey($Line) | Should -BeTrue -Because "the journey stopped before the block at README line $Line ran: $($Result.Errors -join "`n")"
        $errors = @($Result.Output | Where-Object { "$_" -like "README-ERROR $Line *" })
        $BlockResults[$Line] | Should -Be 0 -Because "README line $Line, as written:`n$Text`nfailed with:`n$($errors -join "`n")"
    }

    It 'installed the module where Import-Module finds it by name, and the journey used that copy' {
        $installed = Join-Path $TestHome 'Modules/ConstantContactExport/ConstantContactExport.psd1'
        $installed | Should -Exist
        $Result.Output | Should -Contain ('README-MODULE ' + (Split-Path $installed))
    }

    It 'left the account as the journey says: the list Newsletter with the segment''s valid profiles, loyalty tiers filled' {
        $list = (Get-SandboxState $Sandbox).lists | Where-Object name -EQ 'Newsletter'
        $list | Should -Not -BeNullOrEmpty
        $members = @(Get-SandboxListMember $Sandbox $list.list_id)
        $members.Count | Should -BeGreaterThan 1000
        # The only custom field is the one -CreateCustomField made for cf:loyalty_tier; the sample's tiers are in it.
        @($members.custom_fields.value | Sort-Object -Unique) | Should -Be @('Bronze', 'Gold', 'Silver')
    }
}
