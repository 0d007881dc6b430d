# What an admin expects of binding: approved verbs, -WhatIf/-Confirm on what changes state, -PassThru on Set and
# New, -Force where a prompt or a refusal can be skipped, the usual aliases, and pipelines between the cmdlets by
# property name. Checked on the exported cmdlets; a cmdlet still being finished is skipped until it is exported.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Exported = @((Import-PowerShellDataFile (Get-TestModulePath)).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:TestHome = New-TestHome
    Import-Module (Get-TestModulePath) -Force

    function Get-ExportedCommand {
        param([string] $Name)
        Get-Command -Name $Name -Module ConstantContactExport -ErrorAction SilentlyContinue
    }

    function Skip-Unless {
        param([string[]] $Name)
        foreach ($n in $Name) {
            if (-not (Get-ExportedCommand $n)) { Set-ItResult -Skipped -Because "$n is not exported yet"; return $true }
        }
        $false
    }

    function Test-ByPropertyName {
        param([string] $Command, [string] $Parameter, [string] $SetName)
        $sets = (Get-ExportedCommand $Command).ParameterSets | Where-Object { -not $SetName -or $_.Name -eq $SetName }
        [bool]($sets.Parameters | Where-Object { $_.Name -eq $Parameter -and $_.ValueFromPipelineByPropertyName })
    }
}

AfterAll {
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe '<Name>' -ForEach $script:Exported {
    BeforeAll {
        $command = Get-ExportedCommand $Name
    }

    It 'uses an approved verb' {
        $command.Verb | Should -BeIn (Get-Verb).Verb
    }

    It 'supports -WhatIf and -Confirm when it changes state' {
        if ($command.Verb -in 'New', 'Set', 'Remove', 'Invoke') {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
        }
        else {
            $command.Parameters.Keys | Should -Not -Contain 'WhatIf' -Because 'Get and Test change nothing'
        }
    }

    It 'has -PassThru when it is a Set or a New' {
        if ($command.Verb -in 'New', 'Set') { $command.Parameters.Keys | Should -Contain 'PassThru' }
    }

    It 'declares its output type' {
        if ($command.Verb -notin 'Remove') { $command.OutputType | Should -Not -BeNullOrEmpty }
    }
}

Describe 'Pipelines between the cmdlets' {
    It 'Get-CCExport | Remove-CCExport binds each export by its Name' {
        $exports = Join-Path $script:TestHome 'exports'
        New-Item -ItemType Directory -Path $exports -Force | Out-Null
        foreach ($name in 'pipe-a', 'pipe-b', 'keep') {
            "{ ""Name"": ""$name"", ""Connection"": ""prod"", ""ListIds"": [""04fe9a97-a579-43c5-bb1a-58ed29bf0a6a""], ""EmailField"": ""Email"", ""Segments"": [""x""] }" |
                Set-Content (Join-Path $exports "$name.json")
        }
        Get-CCExport -Name 'pipe-*' | Remove-CCExport -Confirm:$false
        (Get-CCExport).Name | Should -Be @('keep')
    }

    It 'anything with an ExportName property binds to -Name (a run, say)' {
        Get-CCExport -Name keep | Should -Not -BeNullOrEmpty
        [pscustomobject]@{ ExportName = 'keep' } | Get-CCExport | ForEach-Object Name | Should -Be 'keep'
    }

    It 'Get-CCExport | Set-CCExport binds the export''s Name' {
        if (Skip-Unless 'Set-CCExport') { return }
        Test-ByPropertyName Set-CCExport Name | Should -BeTrue
    }

    It 'Get-CCExport | Invoke-CCExport runs piped exports' {
        if (Skip-Unless 'Invoke-CCExport') { return }
        $inputObject = (Get-ExportedCommand Invoke-CCExport).Parameters['InputObject']
        ($inputObject.ParameterSets.Values | Where-Object ValueFromPipeline) | Should -Not -BeNullOrEmpty
    }

    It 'Get-CCExport | Get-CCExportRun binds the export''s Name, and a run binds its RunId' {
        if (Skip-Unless 'Get-CCExportRun') { return }
        Test-ByPropertyName Get-CCExportRun Name | Should -BeTrue
        Test-ByPropertyName Get-CCExportRun RunId | Should -BeTrue
        (Get-ExportedCommand Get-CCExportRun).Parameters['Name'].Aliases | Should -Contain 'ExportName'
    }

    It 'Get-CCExport | Get-CCList binds the export''s Connection' {
        if (Skip-Unless 'Get-CCList') { return }
        Test-ByPropertyName Get-CCList Connection | Should -BeTrue
    }

    It 'Get-CCConnection | Test-CCConnection and | Remove-CCConnection take the piped connections' {
        if (Skip-Unless 'Get-CCConnection', 'Test-CCConnection', 'Remove-CCConnection', 'New-CCConnection') { return }
        foreach ($name in 'Test-CCConnection', 'Remove-CCConnection') {
            $connection = (Get-ExportedCommand $name).Parameters['Connection']
            ($connection.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }) | Should -Not -BeNullOrEmpty -Because $name
        }
        (Get-ExportedCommand Remove-CCConnection).Parameters.Keys | Should -Contain 'Force'
        (Get-ExportedCommand New-CCConnection).Parameters.Keys | Should -Contain 'Force'
    }

    It 'Test-CCEmailAddress takes the usual email property names' {
        $aliases = (Get-ExportedCommand Test-CCEmailAddress).Parameters['Address'].Aliases
        foreach ($alias in 'Email', 'EmailAddress', 'Mail', 'PrimaryEmail') { $aliases | Should -Contain $alias }
    }
}
