# The module's views: a table view for each output type with the columns an admin scans for, and a list view
# with every property; the types file's computed properties.

BeforeDiscovery {
    $script:Views = @(
        @{ Type = 'CCConnection'; Columns = @('Name', 'ApiBaseUri', 'CreatedBy', 'TokenExpiresOn')
           Properties = @('Name', 'DisplayName', 'ApiBaseUri', 'AuthBaseUri', 'ClientId', 'CreatedBy', 'CreatedOn', 'ExportUsers', 'TokenExpiresOn') }
        @{ Type = 'CCExport'; Columns = @('Name', 'Connection', 'ListNames', 'Segment', 'MaxProfiles'); Properties = $null }
        @{ Type = 'CCExportRun'; Columns = @('ExportName', 'State', 'Input', 'Unchanged', 'Submitted', 'Invalid', 'Removed'); Properties = $null }
        @{ Type = 'CCList'; Columns = @('Name', 'ListId', 'MembershipCount'); Properties = $null }
        @{ Type = 'CCCustomField'; Columns = @('Field', 'Label', 'Type', 'CustomFieldId'); Properties = $null }
        @{ Type = 'CCConnectionTestResult'; Columns = @('Name', 'Reachable', 'Account', 'ApiBaseUri', 'TokenExpiresOn'); Properties = @('Name', 'Reachable', 'Account', 'ApiBaseUri', 'TokenExpiresOn') }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:TestHome = New-TestHome
    Import-Module (Get-TestModulePath) -Force

    function Get-ViewDefinition {
        param([string] $TypeName, [string] $Control)
        Get-FormatData -TypeName $TypeName -PowerShellVersion $PSVersionTable.PSVersion |
            ForEach-Object FormatViewDefinition |
            Where-Object { $_.Control.GetType().Name -eq $Control }
    }
}

AfterAll {
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The <Type> views' -ForEach $script:Views {
    BeforeAll {
        $typeName = "ConstantContactExport.$Type"
        # The class's own properties when it is in the module; else (a cmdlet still being finished) the agreed list.
        $clrType = $typeName -as [type]
        $expectedProperties = if ($clrType) { @($clrType.GetProperties().Name) } else { $Properties }
    }

    It 'has a table view with the agreed columns, in order' {
        $table = @(Get-ViewDefinition -TypeName $typeName -Control 'TableControl')
        $table.Count | Should -BeGreaterOrEqual 1
        # The view PowerShell uses is the first; it may add columns (a connection's DisplayName, say) but keeps these in order.
        $labels = @($table[0].Control.Headers | ForEach-Object Label)
        $found = @($labels | Where-Object { $_ -in $Columns })
        $found | Should -Be $Columns
    }

    It 'has a list view with every property' {
        $list = @(Get-ViewDefinition -TypeName $typeName -Control 'ListControl')
        $list.Count | Should -Be 1
        $items = $list[0].Control.Entries[0].Items
        $shown = @($items | ForEach-Object { if ($_.Label) { $_.Label } else { $_.DisplayEntry.Value } })
        foreach ($property in $expectedProperties) { $shown | Should -Contain $property }
    }
}

Describe 'Rendering' {
    It 'shows a run as a table row within 80 columns, every count whole, and as a list with the RunId, the rounded duration and the computed rate' {
        $started = [DateTimeOffset]::new(2026, 11, 28, 23, 15, 2, [TimeSpan]::Zero)
        $run = [pscustomobject]@{
            PSTypeName = 'ConstantContactExport.CCExportRun'
            RunId = '20261128-231502-1234567-7f3a9c'; ExportName = 'newsletter'; State = 'CompletedWithErrors'; Message = 'Done.'
            InputCount = 1000000; OutOfSegmentCount = 99875; InvalidCount = 49866; DuplicateCount = 49871; UnchangedCount = 784460
            SubmittedCount = 15928; ImportedCount = 15928; RemovedCount = 8004; CorrectableCount = 0; ErrorCount = 0; CannotAddToListCount = 0
            BatchCount = 1; RequestCount = 9; ActivityIds = @('a1', 'a2'); RejectPath = '/tmp/rejects.csv'; StartedAt = $started
            CompletedAt = $started.AddSeconds(80.4); Duration = [TimeSpan]::FromSeconds(80.4)
        }
        # A console of 80 columns (a Linux terminal's default): every column shows on one line, nothing is cut.
        $table = $run | Format-Table | Out-String -Width 80
        $table | Should -Match 'ExportName\s+State\s+Input\s+Unchanged\s+Submitted\s+Invalid\s+Removed'
        $table | Should -Match 'newsletter\s+CompletedWithErrors\s+1000000\s+784460\s+15928\s+49866\s+8004'
        $table | Should -Not -Match '…|\.\.\.'
        @($table -split "`r?`n" | Where-Object Length -GT 80) | Should -BeNullOrEmpty

        $run.ProfilesPerSecond | Should -Be 12437.8
        $list = $run | Format-List | Out-String -Width 200
        $list | Should -Match 'RunId\s+:\s+20261128-231502-1234567-7f3a9c'
        $list | Should -Match 'OutOfSegmentCount\s+:\s+99875'
        $list | Should -Match 'ActivityIds\s+:\s+a1, a2'
        $list | Should -Match 'ProfilesPerSecond\s+:\s+12437\.8'
        $list | Should -Match 'Duration\s+:\s+00:01:20'
    }

    It 'shows a real export from Get-CCExport with its lists and segments joined' {
        $exports = Join-Path $script:TestHome 'exports'
        New-Item -ItemType Directory -Path $exports -Force | Out-Null
        @'
{
  "Name": "newsletter",
  "Connection": "prod",
  "ListIds": ["04fe9a97-a579-43c5-bb1a-58ed29bf0a6a", "14fe9a97-a579-43c5-bb1a-58ed29bf0a6a"],
  "ListNames": ["Newsletter", "Customers"],
  "EmailField": "Email",
  "Attributes": { "cf:tier": "Tier" },
  "Segments": ["VIP", "Newsletter"],
  "MaxProfiles": 250000
}
'@ | Set-Content (Join-Path $exports 'newsletter.json')
        $export = Get-CCExport -Name newsletter
        $export.GetType().FullName | Should -Be 'ConstantContactExport.CCExport'
        $table = $export | Format-Table | Out-String -Width 200
        $table | Should -Match 'Name\s+Connection\s+ListNames\s+Segment\s+MaxProfiles'
        $table | Should -Match 'newsletter\s+prod\s+Newsletter, Customers\s+VIP, Newsletter\s+250[,.\s]?000'
        $list = $export | Format-List | Out-String -Width 200
        $list | Should -Match 'Attributes\s+:\s+cf:tier = Tier'
        $list | Should -Match 'Path\s+:\s+.*newsletter\.json'
    }

    It 'shows a connection without any token' {
        $connection = [pscustomobject]@{
            PSTypeName = 'ConstantContactExport.CCConnection'
            Name = 'prod'; DisplayName = 'Production'; ApiBaseUri = [uri]'https://api.cc.email/v3'; AuthBaseUri = [uri]'https://authz.constantcontact.com/oauth2/default/v1'
            ClientId = 'abc'; CreatedBy = 'ada'; CreatedOn = [datetime]'2026-11-01'; ExportUsers = @('ada', 'bob'); TokenExpiresOn = [datetime]'2026-11-28 23:00'
        }
        $table = $connection | Format-Table | Out-String -Width 200
        $table | Should -Match 'Name\s+(DisplayName\s+)?ApiBaseUri\s+CreatedBy\s+TokenExpiresOn'
        $table | Should -Match 'prod\s+(Production\s+)?https://api.cc.email/v3\s+ada'
        $table | Should -Not -Match 'abc' -Because 'the client id is not a column'
        ($connection | Format-List | Out-String -Width 200) | Should -Match 'ExportUsers\s+:\s+ada, bob'
    }

    It 'shows a list with its member count, and Id as an alias of ListId' {
        $list = [pscustomobject]@{ PSTypeName = 'ConstantContactExport.CCList'; ListId = '04fe9a97-a579-43c5-bb1a-58ed29bf0a6a'; Name = 'Newsletter'; MembershipCount = 12345; Connection = 'prod' }
        ($list | Format-Table | Out-String -Width 200) | Should -Match 'Newsletter\s+04fe9a97-a579-43c5-bb1a-58ed29bf0a6a\s+12[,.\s]?345'
        $list.Id | Should -Be '04fe9a97-a579-43c5-bb1a-58ed29bf0a6a'
    }

    It 'shows Test-CCEmailAddress -Detailed as a table' {
        $text = 'ada@example.com', 'ada@' | Test-CCEmailAddress -Detailed | Format-Table | Out-String -Width 200
        $text | Should -Match 'Address\s+IsValid\s+Normalized\s+Reason'
        $text | Should -Match 'ada@\s+False\s+\S+'
    }
}
