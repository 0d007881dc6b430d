# Offline help: every exported cmdlet has a synopsis, a description, examples (one of them a pipeline) and a
# description for every parameter, from the MAML the build generated; the about topic is there too.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Cmdlets = @((Import-PowerShellDataFile (Get-TestModulePath)).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    $script:ModuleFolder = Split-Path $script:ModulePath

    # One fresh, non-interactive pwsh reads the help of every exported cmdlet, as a user's session would.
    $result = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$script:ModulePath'
`$skip = [System.Management.Automation.Cmdlet]::CommonParameters
`$facts = foreach (`$command in Get-Command -Module ConstantContactExport -CommandType Cmdlet) {
    `$help = Get-Help `$command.Name -Full
    [pscustomobject]@{
        Name        = `$command.Name
        Category    = [string]`$help.Category
        HelpUri     = [string]`$command.HelpUri
        LinkUris    = @(`$help.relatedLinks.navigationLink | ForEach-Object { [string]`$_.uri } | Where-Object { `$_ })
        Synopsis    = [string]`$help.Synopsis
        Syntax      = (`$help.syntax | Out-String -Width 400).Trim()
        Description = (@(`$help.description | ForEach-Object Text) -join ' ').Trim()
        Examples    = @(`$help.examples.example | ForEach-Object { [pscustomobject]@{ Title = [string]`$_.title; Code = [string]`$_.code } })
        Parameters  = @(`$help.parameters.parameter | ForEach-Object {
            [pscustomobject]@{
                Name        = [string]`$_.name
                Description = (@(`$_.description | ForEach-Object Text) -join ' ').Trim()
                Required    = [string]`$_.required
                Type        = [string]`$_.type.name
                Pipeline    = [string]`$_.pipelineInput
            } })
        CodeParameters = @(`$command.Parameters.Values | Where-Object { `$_.Name -notin `$skip } | ForEach-Object {
            [pscustomobject]@{
                Name      = `$_.Name
                Mandatory = [bool](`$_.ParameterSets.Values | Where-Object IsMandatory)
                ByValue   = [bool](`$_.ParameterSets.Values | Where-Object ValueFromPipeline)
            } })
    }
}
'FACTS:' + (ConvertTo-Json -InputObject @(`$facts) -Depth 6 -Compress)
"@
    $result.ExitCode | Should -Be 0 -Because ($result.Errors -join "`n")
    $line = $result.Output | Where-Object { $_ -like 'FACTS:*' } | Select-Object -Last 1
    $script:Help = @{}
    foreach ($fact in ($line.Substring(6) | ConvertFrom-Json)) { $script:Help[$fact.Name] = $fact }
}

Describe 'Help for <Name>' -ForEach $script:Cmdlets {
    BeforeAll {
        $h = $script:Help[$Name]
    }

    It 'comes from the module''s MAML file, not from the syntax alone' {
        $h | Should -Not -BeNullOrEmpty
        $h.Category | Should -Be 'Cmdlet'
        # Without MAML, PowerShell makes the synopsis out of the syntax.
        $h.Synopsis | Should -Not -BeNullOrEmpty
        $h.Synopsis | Should -Not -BeLike "$Name *"
        $h.Synopsis | Should -Not -BeLike '*<CommonParameters>*'
    }

    It 'has a HelpUri, so that Get-Help -Online opens its page in the project''s repository' {
        # Get-Help -Online opens the first absolute related link of the MAML, else the cmdlet's HelpUri.
        $projectUri = (Import-PowerShellDataFile (Get-TestModulePath)).PrivateData.PSData.ProjectUri
        $h.HelpUri | Should -Be "$projectUri/blob/main/docs/en-US/$Name.md"
        Join-Path (Get-RepoRoot) "docs/en-US/$Name.md" | Should -Exist
        $h.LinkUris | Where-Object { $_ -ne $h.HelpUri } | Should -BeNullOrEmpty -Because 'an absolute related link would take the place of the HelpUri'
    }

    It 'has a description' {
        $h.Description.Length | Should -BeGreaterThan 40
    }

    It 'has at least two examples, one of them a pipeline through the cmdlet' {
        $h.Examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $h.Examples) { $example.Code | Should -Not -BeNullOrEmpty }
        $h.Examples | Where-Object { $_.Code -match '\|' -and $_.Code -match [regex]::Escape($Name) } |
            Should -Not -BeNullOrEmpty -Because 'one example should show the cmdlet in a pipeline'
    }

    It 'describes every parameter, and documents no parameter the cmdlet does not have' {
        $documented = @($h.Parameters | ForEach-Object Name)
        foreach ($parameter in $h.CodeParameters) {
            $documented | Should -Contain $parameter.Name
            ($h.Parameters | Where-Object Name -EQ $parameter.Name).Description |
                Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
        }
        foreach ($name in $documented) { $h.CodeParameters.Name | Should -Contain $name }
    }

    It 'agrees with the code on which parameters take pipeline input by value' {
        foreach ($parameter in $h.CodeParameters) {
            $pipeline = ($h.Parameters | Where-Object Name -EQ $parameter.Name).Pipeline
            ($pipeline -like '*ByValue*') | Should -Be $parameter.ByValue -Because "-$($parameter.Name) in the help says '$pipeline'"
        }
    }
}

Describe 'The help files' {
    It 'sit beside the cmdlet assembly (MAML) and in the module folder (about topic)' {
        Join-Path $script:ModuleFolder 'bin/en-US/ConstantContactExport.dll-Help.xml' | Should -Exist
        Join-Path $script:ModuleFolder 'en-US/about_ConstantContactExport.help.txt' | Should -Exist
    }

    It 'are well-formed MAML with one command element for each cmdlet of the assembly' {
        [xml]$maml = Get-Content -Raw (Join-Path $script:ModuleFolder 'bin/en-US/ConstantContactExport.dll-Help.xml')
        $maml.helpItems.schema | Should -Be 'maml'
        $names = @($maml.helpItems.command | ForEach-Object { $_.details.name })
        foreach ($cmdlet in $script:Help.Keys) { $names | Should -Contain $cmdlet }
    }

    It 'keep a backtick that is PowerShell, not a Markdown code span: -Delimiter''s "`t"' {
        $delimiter = @($script:Help['Invoke-CCExport'].Parameters | Where-Object Name -EQ 'Delimiter')[0].Description
        # Not -BeLike: in a wildcard the backtick is an escape, and "t" would match too.
        $delimiter.Contains('"`t"') | Should -BeTrue -Because $delimiter
    }

    It 'include about_ConstantContactExport, which Get-Help finds offline, covering the journey, the ledger, limits, scheduling and ErrorIds' {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$script:ModulePath'
Get-Help about_ConstantContactExport | Out-String -Width 200
"@
        $result.ExitCode | Should -Be 0
        $text = $result.Output -join "`n"
        $text | Should -Match 'TOPIC\s+about_ConstantContactExport'
        foreach ($heading in 'SHORT DESCRIPTION', 'THE JOURNEY', 'THE LEDGER', 'KEEPING A LIST EQUAL TO ITS SEGMENT', "CONSTANT CONTACT'S LIMITS", 'SCHEDULING', 'TROUBLESHOOTING BY ERRORID') {
            $text | Should -Match ([regex]::Escape($heading))
        }
        ($text -replace '\s+', ' ') | Should -Match 'InputCount = OutOfSegmentCount \+ InvalidCount \+ DuplicateCount \+ UnchangedCount \+ SubmittedCount'
        $text | Should -Match 'ExportRunning'
    }

    It 'answers Get-Help -Examples with no network and no prompt to update help' {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$script:ModulePath'
Get-Help Test-CCEmailAddress -Examples | Out-String
"@
        $result.ExitCode | Should -Be 0
        $result.Errors | Should -BeNullOrEmpty
        ($result.Output -join "`n") | Should -Match 'Example 2'
    }

    # Timing, so opt-in: a shared, busy machine gives no steady figure, and the suite must not fail for it.
    It 'answers Get-Help -Examples at once (timing: CCE_SPEED_TESTS=1)' -Tag Speed -Skip:($env:CCE_SPEED_TESTS -ne '1') {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$script:ModulePath'
`$clock = [System.Diagnostics.Stopwatch]::StartNew()
`$text = Get-Help Test-CCEmailAddress -Examples | Out-String
'ms=' + `$clock.ElapsedMilliseconds
"@
        $result.ExitCode | Should -Be 0
        [int](($result.Output | Where-Object { $_ -like 'ms=*' }) -replace 'ms=') | Should -BeLessThan 5000
    }
}
