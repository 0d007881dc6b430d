# What Set-CCExport checks and creates in the account, end to end through the built module and the sandbox: list names
# without regard to case, -CreateList on a name that exists in another case, custom fields (-CreateCustomField,
# Get-CCCustomField, New-CCCustomField), the -MaxProfiles range, and what Get-CCList says when the API is unreachable.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:TestHome = New-TestHome
    $script:Sandbox = Start-TestSandbox -Arguments @('--activity-delay', '20')
    $null = New-CCConnection -Name sandbox -ClientId $Sandbox.ClientId -ApiBaseUri $Sandbox.ApiBaseUri -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice

    function script:Invoke-SandboxApi {
        # A request with the connection's own access token (what the module sees, without the module).
        param([string] $Path, [string] $Method = 'Get', [string] $Body)
        $token = (Get-Content (Join-Path $TestHome 'secrets/sandbox.token') -Raw | ConvertFrom-Json).access_token
        $request = @{ Method = $Method; Uri = "$($Sandbox.ApiBaseUri)/$Path"; Headers = @{ Authorization = "Bearer $token" } }
        if ($Body) { $request.ContentType = 'application/json'; $request.Body = $Body }
        Invoke-RestMethod @request
    }

    function script:Get-ErrorRecord {
        param([scriptblock] $Command)
        try { & $Command; $null } catch { $_ }
    }
}

AfterAll {
    Stop-TestSandbox $script:Sandbox
    Remove-Module ConstantContactExport -ErrorAction SilentlyContinue
    Remove-Item $script:TestHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'List names are compared without regard to case' {
    BeforeAll {
        $script:Newsletter = Set-CCExport -Name first -Connection sandbox -ListName Newsletter -CreateList -EmailField Email -Segment Newsletter -PassThru
    }

    It '-ListName newsletter resolves to the account''s Newsletter' {
        $export = Set-CCExport -Name lower -Connection sandbox -ListName newsletter -EmailField Email -Segment Newsletter -PassThru -ErrorAction Stop
        $export.ListIds | Should -Be $Newsletter.ListIds
        $export.ListNames | Should -Be 'Newsletter'
    }

    It '-CreateList with the name in another case uses the list that exists, with no 409 surfacing and no second list' {
        $export = Set-CCExport -Name upper -Connection sandbox -ListName NEWSLETTER -CreateList -EmailField Email -Segment Newsletter -PassThru -ErrorAction Stop
        $export.ListIds | Should -Be $Newsletter.ListIds
        @(Get-CCList -Connection sandbox -Name newsletter).Count | Should -Be 1
    }

    It 'Get-CCList -Name and the list cache agree' {
        (Get-CCList -Connection sandbox -Name NEWS*).ListId | Should -Be $Newsletter.ListIds
    }
}

Describe 'Custom fields' {
    It 'refuses a mapped custom field the account does not have, naming -CreateCustomField' {
        $record = Get-ErrorRecord { Set-CCExport -Name nocf -Connection sandbox -ListName Newsletter -EmailField Email -Segment Newsletter -Attribute @{ 'cf:loyalty_tier' = 'Tier' } -ErrorAction Stop }
        $record.FullyQualifiedErrorId | Should -BeLike 'CustomFieldNotFound,*'
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $record.Exception.Message | Should -BeLike '*-CreateCustomField*'
        Test-Path (Join-Path $TestHome 'exports/nocf.json') | Should -BeFalse
    }

    It '-CreateCustomField -WhatIf says what it would create and creates nothing' {
        # -WhatIf writes to the host: a child pwsh (same CC_EXPORT_HOME, so the same connection) shows it on its output.
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$(Get-TestModulePath)'
Set-CCExport -Name cfwhatif -Connection sandbox -ListName Newsletter -EmailField Email -Segment Newsletter -Attribute @{ 'cf:loyalty_tier' = 'Tier' } -CreateCustomField -WhatIf
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Errors -join "`n")
        ($result.Output -join "`n") | Should -BeLike '*creating custom field(s) cf:loyalty_tier*'
        Test-Path (Join-Path $TestHome 'exports/cfwhatif.json') | Should -BeFalse
        @(Get-CCCustomField -Connection sandbox).Count | Should -Be 0
    }

    It '-CreateCustomField creates the mapped field, and a run fills it' {
        $export = Set-CCExport -Name withcf -Connection sandbox -ListName Newsletter -EmailField Email -Segment Newsletter -SegmentField Segments `
            -Attribute @{ 'cf:loyalty_tier' = 'Tier' } -CreateCustomField -PassThru -ErrorAction Stop
        $export.Attributes.Keys | Should -Be 'cf:loyalty_tier'
        $field = Get-CCCustomField -Connection sandbox -Name 'cf:loyalty_tier'
        $field.Field | Should -Be 'cf:loyalty_tier'
        $field.Type | Should -Be 'string'

        $csv = Join-Path $TestHome 'cf.csv'
        Set-Content $csv -Value "Email,Tier,Segments`nada@example.com,Gold,Newsletter" -Encoding utf8
        $run = Invoke-CCExport -Name withcf -Path $csv -ErrorAction Stop
        $run.State | Should -Be 'Completed'
        $contact = (Invoke-SandboxApi 'contacts?email=ada@example.com&include=custom_fields').contacts[0]
        ($contact.custom_fields | Where-Object custom_field_id -EQ $field.CustomFieldId).value | Should -Be 'Gold'

        # Saving again finds the field: nothing more is created.
        Set-CCExport -Name withcf -Attribute @{ 'cf:LOYALTY_TIER' = 'Tier' } -CreateCustomField -ErrorAction Stop
        @(Get-CCCustomField -Connection sandbox).Count | Should -Be 1
        (Get-CCExport withcf).Attributes.Keys | Should -Be 'cf:loyalty_tier' -Because 'an import''s cf: keys must match the account''s spelling'
    }

    It '-CreateCustomField alone on an existing export creates what its saved mapping lacks' {
        $export = Set-CCExport -Name alone -Connection sandbox -ListName Newsletter -EmailField Email -Segment Newsletter -PassThru -ErrorAction Stop
        # A definition edited by hand (they are plain JSON files) that maps a field the account does not have.
        $json = Get-Content $export.Path -Raw | ConvertFrom-Json
        $json.Attributes = [pscustomobject]@{ 'cf:edited_by_hand' = 'Tier' }
        $json | ConvertTo-Json -Depth 5 | Set-Content $export.Path
        Set-CCExport -Name alone -CreateCustomField -ErrorAction Stop
        (Get-CCCustomField -Connection sandbox -Name edited_by_hand).Field | Should -Be 'cf:edited_by_hand'
    }

    It 'New-CCCustomField creates a field named from its label, and returns the existing one for a label it has' {
        $new = New-CCCustomField -Connection sandbox -Label 'Member since' -Type date -PassThru -ErrorAction Stop
        $new.Field | Should -Be 'cf:Member_since'
        $new.Type | Should -Be 'date'
        $again = 'member since' | New-CCCustomField -Connection sandbox -PassThru -ErrorAction Stop
        $again.CustomFieldId | Should -Be $new.CustomFieldId
        (Invoke-SandboxApi 'contact_custom_fields').custom_fields.name | Should -Contain 'Member_since'
        $null = New-CCCustomField -Connection sandbox -Label 'Not made' -WhatIf
        (Get-CCCustomField -Connection sandbox).Name | Should -Not -Contain 'Not_made'
    }

    It 'New-CCCustomField takes labels from the pipeline; a bad one is one error and the next is still created' {
        $fields = @('Store one', '   ', 'Store two' | New-CCCustomField -Connection sandbox -PassThru -ErrorAction SilentlyContinue -ErrorVariable failed)
        $fields.Field | Should -Be @('cf:Store_one', 'cf:Store_two')
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'CustomFieldLabelInvalid,*'
    }

    It 'New-CCCustomField refuses a type imports cannot fill, before any request' {
        { New-CCCustomField -Connection sandbox -Label x -Type number } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}

Describe 'Messages a user tripped over' {
    It '-MaxProfiles out of range states the range, not a type conversion' {
        $record = Get-ErrorRecord { Set-CCExport -Name big -Connection sandbox -ListName Newsletter -EmailField Email -Segment s -MaxProfiles 99999999999 }
        $record.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $record.Exception.Message | Should -BeLike '*1000000*'
        $record.Exception.Message | Should -Not -BeLike '*Int32*'
        $record.Exception.Message | Should -Not -BeLike '*Int64*'
        { Set-CCExport -Name big -Connection sandbox -ListName Newsletter -EmailField Email -Segment s -MaxProfiles 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'Get-CCList on an unreachable API says what happened, with a stable ErrorId and no -Resume advice' {
        # A connection whose API base is a closed loopback port: every try is refused at once (the back-off still waits).
        $null = New-CCConnection -Name deadapi -ClientId $Sandbox.ClientId -ApiBaseUri 'http://127.0.0.1:9/v3' -AuthBaseUri $Sandbox.AuthBaseUri -AcceptDataPrivacyNotice
        $record = Get-ErrorRecord { Get-CCList -Connection deadapi -ErrorAction Stop }
        $record.FullyQualifiedErrorId | Should -BeLike 'ApiUnreachable,*'
        $record.CategoryInfo.Category | Should -Be 'ConnectionError'
        $record.Exception.Message | Should -BeLike '*could not be reached*'
        $record.Exception.Message | Should -Not -BeLike '*Resume*'
    }
}
