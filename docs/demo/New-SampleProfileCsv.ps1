<#
.SYNOPSIS
    Writes a CSV of made-up profiles with a known mix, and returns the ledger an exact export must show.

.DESCRIPTION
    Valid members of the segment, some out of segment, some invalid (a broken address, or a valid one with a
    first name over Constant Contact's 50 characters), and some repeating an address sent before (in other
    case, with white space around it). Duplicates repeat only addresses that are sent: a profile that was out
    of segment or invalid does not make a later one with its address a duplicate, because the first profile
    that can be sent wins. The same seed gives the same file. The demo, the tests and the benchmarks use it.

.EXAMPLE
    ./New-SampleProfileCsv.ps1 -Path profiles.csv -Count 100000
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [int] $Count = 100000,
    [int] $Seed = 1,
    [string] $Segment = 'Newsletter',
    # Percentages: out of segment, invalid, duplicate; the rest are sent.
    [int] $OutOfSegmentPercent = 10,
    [int] $InvalidPercent = 5,
    [int] $DuplicatePercent = 5
)

$ErrorActionPreference = 'Stop'
$first = 'Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Margaret', 'Ken', 'Zoë', 'José', 'Łukasz', 'Søren'
$last = 'Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Hamilton', 'Thompson', 'Müller', 'García', "O'Brien"
$cities = 'Boston', 'Zürich', 'São Paulo', 'Kraków', 'Austin', 'Dublin', 'Lyon', 'Osaka'
$tiers = 'Gold', 'Silver', 'Bronze'
$badEmails = 'no-at-sign.example.com', 'two@@example.com', 'trailing-dot@example.com.', 'space in@example.com', 'user@localhost', '@example.com'
$longName = 'x' * 51

$random = [System.Random]::new($Seed)
$counts = [ordered]@{ InputCount = $Count; OutOfSegmentCount = 0; InvalidCount = 0; DuplicateCount = 0; SubmittedCount = 0 }
$sent = [System.Collections.Generic.List[int]]::new()
$unique = 0
$full = [System.IO.Path]::GetFullPath($Path, (Get-Location).ProviderPath)
$writer = [System.IO.StreamWriter]::new($full, $false, [System.Text.UTF8Encoding]::new($false), 65536)
try {
    $writer.NewLine = "`n"
    $writer.WriteLine('Email,FirstName,LastName,Company,City,Tier,Segments')
    $outLimit = $OutOfSegmentPercent
    $invalidLimit = $outLimit + $InvalidPercent
    $duplicateLimit = $invalidLimit + $DuplicatePercent
    for ($i = 0; $i -lt $Count; $i++) {
        $roll = $random.Next(100)
        $firstName = $first[$random.Next($first.Length)]
        if ($roll -lt $outLimit) {
            $email = "person$unique@example.com"; $unique++
            $segments = if ($random.Next(2) -eq 0) { 'Prospects' } else { '' }
            $counts.OutOfSegmentCount++
        }
        elseif ($roll -lt $invalidLimit) {
            if ($random.Next(2) -eq 0) { $email = $badEmails[$random.Next($badEmails.Length)] }
            else { $email = "person$unique@example.com"; $unique++; $firstName = $longName }
            $segments = $Segment
            $counts.InvalidCount++
        }
        elseif ($roll -lt $duplicateLimit -and $sent.Count -gt 0) {
            $email = ' ' + "PERSON$($sent[$random.Next($sent.Count)])@EXAMPLE.COM" + ' '
            $segments = "VIP;$Segment"
            $counts.DuplicateCount++
        }
        else {
            $sent.Add($unique)
            $email = "person$unique@example.com"; $unique++
            $segments = if ($random.Next(3) -eq 0) { "$Segment,VIP" } else { $Segment }
            $counts.SubmittedCount++
        }
        $lastName = $last[$random.Next($last.Length)]
        $writer.WriteLine("$email,$firstName,`"$lastName`",Company $($random.Next(1000)),$($cities[$random.Next($cities.Length)]),$($tiers[$random.Next($tiers.Length)]),`"$segments`"")
    }
}
finally {
    $writer.Dispose()
}
[pscustomobject]$counts
