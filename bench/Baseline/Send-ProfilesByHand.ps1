<#
.SYNOPSIS
    The baseline of issue #6: what a competent admin writes by hand to send a CSV of profiles to a Constant Contact
    list, without ConstantContactExport.

.DESCRIPTION
    Import-Csv; a segment check; a regex for the email and the name lengths Constant Contact refuses; a hashtable
    for duplicates (trimmed, without regard to case); contacts in batches of 10,000, each body built with
    ConvertTo-Json and POSTed to /activities/contacts_json_import with Invoke-RestMethod as soon as it is full;
    then GET /activities once a second until every import is done.

    Tuned the way a careful admin would, and no further:
    - Import-Csv streamed into ForEach-Object: on 200,000 rows it measured 1.4-1.7 s against 2.6-3.2 s for a foreach
      over the collected rows (holding every row costs more in garbage collection than the script block calls do);
    - contacts as [ordered] hashtables: ConvertTo-Json takes 10,000 of them in 0.14-0.18 s, [pscustomobject] 0.23-0.43 s;
    - one compiled [regex] object instead of -match (no cache lookup a row);
    - requests spaced 250 ms apart (Constant Contact's 4 a second), so 429s are rare, and Invoke-RestMethod's own
      retry (-MaximumRetryCount) for those that come anyway;
    - each body sent as soon as it is full, so the requests overlap the reading instead of following it;
    - the imports polled with one GET /activities (up to 50 activities a request) rather than one GET an activity.
    What it does not do, and the module does: a reject report, a journal to resume from, exact 4 MB body limits
    (10,000 contacts of these columns stay far below 4 MB), backoff for 5xx, token refresh, an email check as
    strict as Constant Contact's.

    It needs an access token and a list id; bench/EndToEnd/Measure-Run.ps1 -Mode Baseline gets both from the sandbox
    without the module (the device flow and POST /contact_lists), outside the timing.

.OUTPUTS
    One object: the counts, the activity ids, what Constant Contact imported, the requests made.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ApiBaseUri,
    [Parameter(Mandatory)] [string] $AccessToken,
    [Parameter(Mandatory)] [string] $ListId,
    [string] $Segment = 'Newsletter',
    [int] $BatchSize = 10000
)

$ErrorActionPreference = 'Stop'
$headers = @{ Authorization = "Bearer $AccessToken" }
$emailPattern = [regex]::new('^[a-z0-9._%+''-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$', 'IgnoreCase, Compiled')
$seen = @{}
$batch = [System.Collections.Generic.List[object]]::new($BatchSize)
$activityIds = [System.Collections.Generic.List[string]]::new()
$counts = [ordered]@{ InputCount = 0; OutOfSegmentCount = 0; InvalidCount = 0; DuplicateCount = 0; SubmittedCount = 0 }
$script:requests = 0
$sinceLastRequest = [System.Diagnostics.Stopwatch]::StartNew()

function Invoke-ConstantContact {
    param([string] $Method, [string] $Uri, [byte[]] $Body)
    # 4 requests a second: leave 250 ms between requests.
    $wait = 250 - $sinceLastRequest.ElapsedMilliseconds
    if ($wait -gt 0) { Start-Sleep -Milliseconds $wait }
    $script:requests++
    try {
        $request = @{ Method = $Method; Uri = $Uri; Headers = $headers; MaximumRetryCount = 5; RetryIntervalSec = 1 }
        if ($Body) { $request.Body = $Body; $request.ContentType = 'application/json; charset=utf-8' }
        Invoke-RestMethod @request
    }
    finally {
        $sinceLastRequest.Restart()
    }
}

function Send-Batch {
    $json = @{ import_data = $batch; list_ids = @($ListId) } | ConvertTo-Json -Depth 3 -Compress
    $activity = Invoke-ConstantContact POST "$ApiBaseUri/activities/contacts_json_import" ([System.Text.Encoding]::UTF8.GetBytes($json))
    $activityIds.Add($activity.activity_id)
    $batch.Clear()
}

Import-Csv -Path $Path | ForEach-Object {
    $row = $_
    $counts.InputCount++
    if (($row.Segments -split '[;,]').Trim() -notcontains $Segment) { $counts.OutOfSegmentCount++; return }
    $email = $row.Email.Trim()
    if ($email.Length -gt 80 -or -not $emailPattern.IsMatch($email) -or $row.FirstName.Length -gt 50 -or $row.LastName.Length -gt 50 -or
        $row.Company.Length -gt 50 -or $row.City.Length -gt 50) {
        $counts.InvalidCount++
        return
    }
    $key = $email.ToLowerInvariant()
    if ($seen.ContainsKey($key)) { $counts.DuplicateCount++; return }
    $seen[$key] = $true
    $batch.Add([ordered]@{ email = $email; first_name = $row.FirstName; last_name = $row.LastName; company_name = $row.Company; city = $row.City })
    $counts.SubmittedCount++
    if ($batch.Count -eq $BatchSize) { Send-Batch }
}
if ($batch.Count -gt 0) { Send-Batch }

# Wait for the imports: once a second, one GET /activities (newest first) until each of ours is completed.
$pending = [System.Collections.Generic.HashSet[string]]::new([string[]]$activityIds)
$imported = 0
for ($poll = 0; $pending.Count -gt 0; $poll++) {
    if ($poll -ge 600) { throw "The imports did not finish in 10 minutes: $($pending.Count) still pending." }
    Start-Sleep -Seconds 1
    $listed = Invoke-ConstantContact GET "$ApiBaseUri/activities?limit=50"
    foreach ($activity in $listed.activities) {
        if ($pending.Contains($activity.activity_id) -and $activity.state -in 'completed', 'failed', 'cancelled', 'timed_out') {
            [void]$pending.Remove($activity.activity_id)
            $imported += $activity.status.person_count
        }
    }
}

[pscustomobject]@{
    InputCount        = $counts.InputCount
    OutOfSegmentCount = $counts.OutOfSegmentCount
    InvalidCount      = $counts.InvalidCount
    DuplicateCount    = $counts.DuplicateCount
    SubmittedCount    = $counts.SubmittedCount
    ImportedCount     = $imported
    BatchCount        = $activityIds.Count
    RequestCount      = $script:requests
}
