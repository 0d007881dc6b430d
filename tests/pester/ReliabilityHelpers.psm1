# Shared by the reliability suites (Faults, Crashes, BadInput, Security): profiles whose fate is known by
# construction, the check of a list against them field by field, child processes to kill, journal checks.

# Get-PwshCommandLine and the sandbox helpers.
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1')

$script:ExportAttributes = [ordered]@{ company_name = 'Company'; job_title = 'Title'; city = 'City'; phone = 'Phone'; 'cf:tier' = 'Tier' }

function Get-ReliabilityScale {
    <#
    .SYNOPSIS
        The sizes of the reliability runs: the default test run's, or the soak's (build.ps1 -Task Soak sets
        CCE_SOAK=1). CCE_SOAK_SEED fixes the soak's random seeds to repeat one.
    #>
    $soak = $env:CCE_SOAK -eq '1'
    $seed = if ($env:CCE_SOAK_SEED) { [int]$env:CCE_SOAK_SEED } else { [System.Random]::new().Next(1, 1000000) }
    [pscustomobject]@{
        Soak           = $soak
        FaultProfiles  = 100000
        FaultBatch     = if ($soak) { 500 } else { 1000 }
        FaultSeeds     = if ($soak) { @($seed, ($seed + 1)) } else { @(7) }
        # Six moments: one trial each by default (each lands where it aims, the coverage test checks it), three in the soak.
        CrashTrials    = if ($soak) { 18 } else { 6 }
        CrashSeedBase  = if ($soak) { $seed } else { 100 }
        ObjectFuzzRuns = if ($soak) { 20 } else { 4 }
        SoakSeed       = $seed
    }
}

function Set-ExportCustomField {
    # Creates the custom field 'tier' the known profiles carry, with the connection's own token (the module
    # creates no custom fields); faults must be off meanwhile.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $TestHome, [string] $Connection = 'sandbox')
    $token = (Get-Content (Join-Path $TestHome "secrets/$Connection.token") -Raw | ConvertFrom-Json).access_token
    $field = Invoke-RestMethod -Method Post "$($Sandbox.ApiBaseUri)/contact_custom_fields" -Headers @{ Authorization = "Bearer $token" } `
        -ContentType 'application/json' -Body '{"label":"tier","type":"string"}'
    $field.custom_field_id
}

function Set-SandboxFaults {
    param([Parameter(Mandatory)] $Sandbox, [double] $Rate = 0, [string[]] $Kinds, [int] $Seed = 1, [int] $SlowMs = 0)
    $body = @{ rate = $Rate; seed = $Seed }
    if ($Kinds) { $body.kinds = $Kinds }
    if ($SlowMs -gt 0) { $body.slow_ms = $SlowMs }
    Invoke-RestMethod -Method Post "$($Sandbox.Root)/__sandbox/faults" -ContentType 'application/json' -Body ($body | ConvertTo-Json -Compress)
}

function New-KnownExport {
    # An export of the known profiles' shape: every field the generator writes is mapped. The known profiles are
    # about 11% invalid among those in segment by design, over the default MaxRejectPercent.
    param([Parameter(Mandatory)] [string] $Name, [string] $Connection = 'sandbox')
    Set-CCExport -Name $Name -Connection $Connection -ListName $Name -CreateList -EmailField Email -FirstNameField FirstName -LastNameField LastName `
        -Attribute ([hashtable]$script:ExportAttributes) -Segment Newsletter -SegmentField Segments -MaxRejectPercent 25 -PassThru
}

function New-KnownProfileCsv {
    <#
    .SYNOPSIS
        Writes a CSV of profiles whose fate is known by construction, and returns that fate: the ledger, the
        reasons of the invalid ones, and for every contact that must reach the list its exact fields.

    .DESCRIPTION
        About 8% are out of segment, 10% invalid (one of a dozen reasons, a broken UTF-8 sequence and a ragged
        row included), 6% repeat an address sent before (other case, white space around it, other fields: the
        first one wins), and the rest are sent. Sent values carry what the pipeline must keep or clean: white
        space around them (trimmed), blanks (not carried), quotes, commas, non-ASCII text, names of exactly
        50 characters. The same seed gives the same file.
        Expected: a Dictionary keyed by the address as sent; each value is an array of
        first_name, last_name, company_name, job_title, city, phone, tier ($null: not carried).
    #>
    param([Parameter(Mandatory)] [string] $Path, [int] $Count = 1000, [int] $Seed = 1, [ValidatePattern('^[a-z]+$')] [string] $Prefix = 'p')
    $random = [System.Random]::new($Seed)
    $firsts = 'Ada', 'Zoë', 'José', 'Łukasz', 'Søren', '  Grace  ', ('ß' * 50), '', 'Jean-Luc', '=1+2'
    $lasts = 'Lovelace', "O'Brien", 'Smith, Jr.', 'The "Great"', 'García', '', '東京'
    $titles = 'Engineer', 'Chief "Everything" Officer', '', ('t' * 50), ' Analyst '
    $cities = 'Boston', 'São Paulo', 'Zürich', 'Kraków', '', 'Saint-Étienne'
    $tiers = 'Gold', 'Silver', 'Bronze', ''
    $segments = 'Newsletter', 'newsletter;VIP', 'VIP, Newsletter', ' NEWSLETTER '
    $badEmails = 'no-at-sign.example.com', 'two@@example.com', 'trailing-dot@example.com.', 'user@localhost', 'sp ace@example.com'
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $ledger = [ordered]@{ InputCount = $Count; OutOfSegmentCount = 0; InvalidCount = 0; DuplicateCount = 0; SubmittedCount = 0 }
    $expected = [System.Collections.Generic.Dictionary[string, object[]]]::new([System.StringComparer]::Ordinal)
    $reasons = [System.Collections.Generic.Dictionary[string, int]]::new()
    $sent = [System.Collections.Generic.List[int]]::new()

    # Quoted and cleaned forms of the fixed values, made once: a function call per cell would triple the time.
    $quote = { param([string[]] $values) , @($values | ForEach-Object { '"' + $_.Replace('"', '""') + '"' }) }
    $clean = { param([string[]] $values) , @($values | ForEach-Object { $t = $_.Trim(); if ($t.Length -eq 0) { $null } else { $t } }) }
    $qFirsts = & $quote $firsts; $cFirsts = & $clean $firsts
    $qLasts = & $quote $lasts; $cLasts = & $clean $lasts
    $qTitles = & $quote $titles; $cTitles = & $clean $titles
    $qCities = & $quote $cities; $cCities = & $clean $cities
    $qTiers = & $quote $tiers; $cTiers = & $clean $tiers
    $qSegments = & $quote $segments

    $stream = [System.IO.FileStream]::new([System.IO.Path]::GetFullPath($Path, (Get-Location).ProviderPath), 'Create', 'Write', 'None', 65536)
    try {
        $header = $utf8.GetBytes("Email,FirstName,LastName,Company,Title,City,Phone,Tier,Segments`r`n")
        $stream.Write($header, 0, $header.Length)
        for ($i = 0; $i -lt $Count; $i++) {
            $roll = $random.Next(100)
            $email = "$Prefix$i@example.com"
            $f = $random.Next($firsts.Length); $first = $qFirsts[$f]
            $l = $random.Next($lasts.Length); $last = $qLasts[$l]
            $companyText = if ($random.Next(5) -eq 0) { $null } else { "Company $($i % 997), Inc." }
            $t = $random.Next($titles.Length); $title = $qTitles[$t]
            $c = $random.Next($cities.Length); $city = $qCities[$c]
            $phoneText = switch ($random.Next(3)) { 0 { $null } 1 { '555-{0:D4}' -f ($i % 10000) } 2 { '+1 (617) 555-0100' } }
            $r = $random.Next($tiers.Length); $tier = $qTiers[$r]
            $segment = $qSegments[$random.Next($segments.Length)]
            $company = '"' + $companyText + '"'
            $phone = '"' + $phoneText + '"'
            $broken = $false
            $ragged = $false
            if ($roll -lt 8) {
                $segment = if ($random.Next(2) -eq 0) { '"Prospects"' } else { '""' }
                $ledger.OutOfSegmentCount++
            }
            elseif ($roll -lt 18) {
                $kind = $random.Next(11)
                $reason = switch ($kind) {
                    0 { $email = $badEmails[$random.Next($badEmails.Length)]; 'EmailInvalid' }
                    1 { $first = '"' + ('é' * 51) + '"'; 'FieldTooLong' }
                    2 { $last = "`"Bell`u{0007}`""; 'InvalidCharacters' }
                    3 { $company = "`"Acme`nLtd`""; 'InvalidCharacters' }
                    4 { $phone = '"n/a"'; 'FieldInvalid' }
                    5 { $tier = '"' + ('x' * 256) + '"'; 'FieldTooLong' }
                    6 { $email = ('a' * 70) + "$i@example.com"; 'EmailInvalid' }
                    7 { $email = '   '; 'EmailMissing' }
                    8 { $broken = $true; 'InvalidEncoding' }
                    9 { $ragged = $true; 'MalformedRow' }
                    10 { $title = '"' + ('T' * 51) + '"'; 'FieldTooLong' }
                }
                $reasons[$reason] = 1 + $(if ($reasons.ContainsKey($reason)) { $reasons[$reason] } else { 0 })
                $ledger.InvalidCount++
            }
            elseif ($roll -lt 24 -and $sent.Count -gt 0) {
                $email = "  $($Prefix.ToUpperInvariant())$($sent[$random.Next($sent.Count)])@EXAMPLE.com "
                $first = '"Duplicate"'
                $ledger.DuplicateCount++
            }
            else {
                $sent.Add($i)
                $written = switch ($random.Next(3)) { 0 { $email } 1 { " $email " } 2 { "$Prefix$i@Example.COM" } }
                $expected[$email] = @($cFirsts[$f], $cLasts[$l], $companyText, $cTitles[$t], $cCities[$c], $phoneText, $cTiers[$r])
                $email = $written
                $ledger.SubmittedCount++
            }
            $line = '"' + $email + '",' + $first + ',' + $last + ',' + $company + ',' + $title + ',' + $city + ',' + $phone + ',' + $tier + ',' + $segment
            if ($ragged) { $line += ',extra data' }
            $bytes = $utf8.GetBytes($line + "`r`n")
            if ($broken) {
                # A lone continuation byte at the start of the first name: not UTF-8.
                $at = $utf8.GetByteCount('"' + $email + '","')
                $bytes = [byte[]]($bytes[0..($at - 1)] + [byte]0xA9 + $bytes[$at..($bytes.Length - 1)])
            }
            $stream.Write($bytes, 0, $bytes.Length)
        }
    }
    finally {
        $stream.Dispose()
    }
    [pscustomobject]@{ Ledger = [pscustomobject]$ledger; Expected = $expected; Reasons = $reasons }
}

function Compare-ListMember {
    <#
    .SYNOPSIS
        Compares a list's members (the sandbox's inspection API) with the known profiles field by field;
        returns the problems (none when the list holds exactly the expected contacts, each once).
    #>
    param(
        [Parameter(Mandatory)] $Sandbox,
        [Parameter(Mandatory)] [string] $ListId,
        [Parameter(Mandatory)] [System.Collections.Generic.Dictionary[string, object[]]] $Expected,
        [Parameter(Mandatory)] [string] $TierFieldId
    )
    $problems = [System.Collections.Generic.List[string]]::new()
    $content = (Invoke-WebRequest "$($Sandbox.Root)/__sandbox/lists/$ListId/members").Content
    $document = [System.Text.Json.JsonDocument]::Parse($content)
    try {
        $seen = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
        $names = 'first_name', 'last_name', 'company_name', 'job_title'
        foreach ($member in $document.RootElement.GetProperty('members').EnumerateArray()) {
            $address = $member.GetProperty('email_address').GetProperty('address').GetString()
            if (-not $seen.Add($address)) { $problems.Add("$address is in the list twice"); continue }
            $want = $null
            if (-not $Expected.TryGetValue($address, [ref] $want)) { $problems.Add("$address is in the list but was not to be sent"); continue }
            $got = [object[]]::new(7)
            for ($k = 0; $k -lt 4; $k++) {
                $value = [System.Text.Json.JsonElement]::new()
                if ($member.TryGetProperty($names[$k], [ref] $value) -and $value.ValueKind -eq 'String') { $got[$k] = $value.GetString() }
            }
            $value = [System.Text.Json.JsonElement]::new()
            if ($member.TryGetProperty('street_addresses', [ref] $value)) {
                foreach ($a in $value.EnumerateArray()) {
                    $city = [System.Text.Json.JsonElement]::new()
                    if ($a.TryGetProperty('city', [ref] $city)) { $got[4] = $city.GetString() }
                }
            }
            if ($member.TryGetProperty('phone_numbers', [ref] $value)) {
                foreach ($p in $value.EnumerateArray()) { $got[5] = $p.GetProperty('phone_number').GetString() }
            }
            if ($member.TryGetProperty('custom_fields', [ref] $value)) {
                foreach ($f in $value.EnumerateArray()) {
                    if ($f.GetProperty('custom_field_id').GetString() -eq $TierFieldId) { $got[6] = $f.GetProperty('value').GetString() }
                }
            }
            for ($k = 0; $k -lt 7; $k++) {
                if (-not [string]::Equals($got[$k], $want[$k], [System.StringComparison]::Ordinal)) {
                    $problems.Add("$address field $k is '$($got[$k])', expected '$($want[$k])'")
                }
            }
            if ($problems.Count -gt 20) { break }
        }
        foreach ($address in $Expected.Keys) {
            if ($problems.Count -gt 20) { break }
            if (-not $seen.Contains($address)) { $problems.Add("$address is missing from the list") }
        }
    }
    finally {
        $document.Dispose()
    }
    , $problems
}

function Get-ImportActivity {
    # The sandbox's import activities for one list.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $ListId)
    @((Get-SandboxState $Sandbox).activities | Where-Object { $_.type -eq 'contacts_json_import' -and $_.list_ids -contains $ListId })
}

function Test-RunJournal {
    <#
    .SYNOPSIS
        Checks a run's journal: every terminated line is one JSON entry; a batch is Sending only after Staged or
        its own fingerprint (BatchStaged, sent while staging), Submitted only after its Sending, with one activity,
        and no activity belongs to two batches. Returns the problems.
    #>
    param([Parameter(Mandatory)] [string] $RunFolder, [switch] $Finished)
    $problems = [System.Collections.Generic.List[string]]::new()
    # A run killed between writing run.json and opening its journal has none yet: nothing happened.
    $path = Join-Path $RunFolder 'journal.jsonl'
    $text = if (Test-Path $path) { [System.IO.File]::ReadAllText($path) } else { '' }
    $lines = $text.Split("`n")
    $sending = @{}
    $activityOf = @{}
    $batchOf = @{}
    $hashed = @{}
    $staged = $null
    for ($i = 0; $i -lt $lines.Length - 1; $i++) {
        try { $entry = $lines[$i] | ConvertFrom-Json -ErrorAction Stop }
        catch { $problems.Add("line $($i + 1) is not JSON: $($lines[$i])"); continue }
        switch ($entry.Type) {
            'Staged' { if ($staged) { $problems.Add("line $($i + 1): staged twice") }; $staged = $entry }
            # A body sent while the run still stages has its fingerprint journaled first (write-ahead), and only once.
            'BatchStaged' {
                if ($staged) { $problems.Add("line $($i + 1): BatchStaged after Staged") }
                if ($hashed.ContainsKey($entry.Batch) -and $hashed[$entry.Batch] -ne $entry.BodyHash) { $problems.Add("line $($i + 1): batch $($entry.Batch) has two fingerprints") }
                $hashed[$entry.Batch] = $entry.BodyHash
            }
            'Sending' { if (-not $staged -and -not $hashed.ContainsKey($entry.Batch)) { $problems.Add("line $($i + 1): batch $($entry.Batch) Sending before Staged without its fingerprint") }; $sending[$entry.Batch] = $true }
            'Submitted' {
                if (-not $sending.ContainsKey($entry.Batch)) { $problems.Add("line $($i + 1): batch $($entry.Batch) Submitted without Sending") }
                if ($activityOf.ContainsKey($entry.Batch) -and $activityOf[$entry.Batch] -ne $entry.ActivityId) { $problems.Add("batch $($entry.Batch) has two activities") }
                if ($batchOf.ContainsKey($entry.ActivityId) -and $batchOf[$entry.ActivityId] -ne $entry.Batch) { $problems.Add("activity $($entry.ActivityId) claimed by batches $($batchOf[$entry.ActivityId]) and $($entry.Batch)") }
                $activityOf[$entry.Batch] = $entry.ActivityId
                $batchOf[$entry.ActivityId] = $entry.Batch
            }
        }
    }
    if ($Finished) {
        if (-not $staged) { $problems.Add('never staged') }
        elseif ($activityOf.Count -ne $staged.BatchCount) { $problems.Add("$($activityOf.Count) batches have an activity, of $($staged.BatchCount)") }
    }
    , $problems
}

function Start-ChildPwsh {
    <#
    .SYNOPSIS
        Starts a child pwsh -NoProfile -NonInteractive on a script, with environment variables of its own; its
        output and error text are collected as it runs (read them when it has ended).
    #>
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $file = Join-Path ([System.IO.Path]::GetTempPath()) "cce-rel-child-$([guid]::NewGuid().ToString('N')).ps1"
    Set-Content -Path $file -Value $Script -Encoding utf8
    $command = Get-PwshCommandLine
    $start = [System.Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($a in @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) { $start.ArgumentList.Add($a) }
    foreach ($key in $Environment.Keys) { $start.Environment[$key] = [string]$Environment[$key] }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync(); File = $file }
}

function Wait-ChildPwsh {
    param([Parameter(Mandatory)] $Child, [int] $TimeoutSeconds = 300)
    if (-not $Child.Process.WaitForExit($TimeoutSeconds * 1000)) {
        $Child.Process.Kill($true)
        throw "A child pwsh ran for over $TimeoutSeconds seconds."
    }
    $Child.Process.WaitForExit()
    Remove-Item $Child.File -ErrorAction SilentlyContinue
    [pscustomobject]@{ ExitCode = $Child.Process.ExitCode; Output = $Child.Output.GetAwaiter().GetResult(); Errors = $Child.Errors.GetAwaiter().GetResult() }
}

function Read-RunJournalText {
    <#
    .SYNOPSIS
        A run's journal as it is now, read while its writer holds it open; empty when it is not there (yet).
    #>
    param([Parameter(Mandatory)] [string] $Path)
    try {
        $stream = [System.IO.FileStream]::new($Path, 'Open', 'Read', 'ReadWrite')
        try { [System.IO.StreamReader]::new($stream).ReadToEnd() } finally { $stream.Dispose() }
    }
    catch [System.IO.IOException] { '' }
}

function Write-ReliabilityFigures {
    <#
    .SYNOPSIS
        One line of figures for docs/reliability.md: to the host (FIGURES {...}) and to reliability-figures.jsonl in
        CCE_ARTIFACTS (or the temporary folder).
    #>
    param([Parameter(Mandatory)] [hashtable] $Figures)
    $line = [pscustomobject]$Figures | ConvertTo-Json -Compress -Depth 4
    Write-Host "FIGURES $line"
    $folder = if ($env:CCE_ARTIFACTS) { $env:CCE_ARTIFACTS } else { [System.IO.Path]::GetTempPath() }
    Add-Content -Path (Join-Path $folder 'reliability-figures.jsonl') -Value $line
}

Export-ModuleMember -Function Read-RunJournalText, Write-ReliabilityFigures, Get-ReliabilityScale, Set-ExportCustomField, Set-SandboxFaults, New-KnownExport, New-KnownProfileCsv, Compare-ListMember,
    Get-ImportActivity, Test-RunJournal, Start-ChildPwsh, Wait-ChildPwsh
