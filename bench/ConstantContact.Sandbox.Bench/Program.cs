using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ConstantContact.Sandbox.Bench;

/// <summary>
/// Starts the built sandbox (default limits: 4 requests a second, 200 ms activity delay), imports 1,000,000
/// contacts in 25 bodies of 40,000 (each under 4,000,000 bytes), waits until every activity has completed,
/// and prints how long that took and how much memory the sandbox process used.
///
/// dotnet run --project bench/ConstantContact.Sandbox.Bench -c Release -- [--sandbox out/sandbox/ConstantContact.Sandbox.dll] [--contacts 1000000] [--unthrottled]
/// </summary>
public static class Program
{
    private const int BodyContacts = 40_000;

    public static async Task<int> Main(string[] args)
    {
        var dll = Argument(args, "--sandbox") ?? FindBuiltSandbox();
        var total = int.Parse(Argument(args, "--contacts") ?? "1000000", CultureInfo.InvariantCulture);
        if (dll is null || !File.Exists(dll))
        {
            Console.Error.WriteLine("Build the sandbox first (dotnet pwsh ./build.ps1 -Task Build), or pass --sandbox <dll>.");
            return 2;
        }

        // --unthrottled turns the sandbox's 4-a-second limit off, to show what the sandbox itself can do.
        string[] sandboxArgs = args.Contains("--unthrottled") ? [dll, "--port", "0", "--rate-limit", "0"] : [dll, "--port", "0"];
        using var sandbox = Process.Start(new ProcessStartInfo("dotnet", sandboxArgs)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        })!;
        try
        {
            using var banner = JsonDocument.Parse((await sandbox.StandardOutput.ReadLineAsync())!);
            var api = banner.RootElement.GetProperty("apiBaseUri").GetString()!;
            var auth = banner.RootElement.GetProperty("authBaseUri").GetString()!;
            var clientId = banner.RootElement.GetProperty("clientId").GetString()!;
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };

            var token = await DeviceTokenAsync(http, auth, clientId);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var listId = (await SendAsync(http, HttpMethod.Post, api + "/contact_lists", Encoding.UTF8.GetBytes("""{"name":"Benchmark"}""")))
                .RootElement.GetProperty("list_id").GetString()!;

            // The bodies are built before the clock starts: this measures the sandbox, not the client.
            var bodies = Enumerable.Range(0, (total + BodyContacts - 1) / BodyContacts)
                .Select(b => Body(listId, b * BodyContacts, Math.Min(BodyContacts, total - (b * BodyContacts))))
                .ToArray();
            GC.Collect();
            sandbox.Refresh();
            var idleBytes = sandbox.WorkingSet64;

            var watch = Stopwatch.StartNew();
            var activityIds = new List<string>();
            foreach (var body in bodies)
            {
                using var created = await SendAsync(http, HttpMethod.Post, api + "/activities/contacts_json_import", body);
                activityIds.Add(created.RootElement.GetProperty("activity_id").GetString()!);
            }

            var posted = watch.Elapsed;
            var polls = 0;
            while (true)
            {
                await Task.Delay(250);
                polls++;
                using var page = await SendAsync(http, HttpMethod.Get, api + "/activities?limit=500", null);
                var completed = page.RootElement.GetProperty("activities").EnumerateArray()
                    .Count(a => activityIds.Contains(a.GetProperty("activity_id").GetString()!) && a.GetProperty("state").GetString() == "completed");
                if (completed == activityIds.Count)
                {
                    break;
                }
            }

            var elapsed = watch.Elapsed;
            sandbox.Refresh();
            var peakBytes = sandbox.PeakWorkingSet64;
            var endBytes = sandbox.WorkingSet64;

            using var list = await SendAsync(http, HttpMethod.Get, $"{api}/contact_lists/{listId}?include_membership_count=all", null);
            var members = list.RootElement.GetProperty("membership_count").GetInt32();
            var (persons, firstStart, lastEnd) = await ProcessingWindowAsync(http, api, activityIds);
            using var state = await SendAsync(http, HttpMethod.Get, api.Replace("/v3", "/__sandbox/state", StringComparison.Ordinal), null);
            var gcHeap = state.RootElement.GetProperty("memory").GetProperty("gc_heap_bytes").GetInt64();

            Console.WriteLine($"contacts imported      {persons:N0} in {activityIds.Count} bodies of up to {BodyContacts:N0} (largest {bodies.Max(b => b.Length):N0} bytes); list members {members:N0}");
            Console.WriteLine($"all bodies posted      {posted.TotalSeconds:F1} s");
            Console.WriteLine($"first POST to all done {elapsed.TotalSeconds:F1} s ({polls} status polls)");
            Console.WriteLine($"sandbox processing     {(lastEnd - firstStart).TotalSeconds:F1} s (first started_at to last completed_at)");
            Console.WriteLine($"sandbox memory         idle {Mib(idleBytes)} MiB, peak {Mib(peakBytes)} MiB, after {Mib(endBytes)} MiB (working set); GC heap after {Mib(gcHeap)} MiB");
            return persons == total && members == total ? 0 : 1;
        }
        finally
        {
            sandbox.Kill();
            await sandbox.WaitForExitAsync();
        }
    }

    private static byte[] Body(string listId, int start, int count)
    {
        var text = new StringBuilder(count * 90);
        text.Append("{\"list_ids\":[\"").Append(listId).Append("\"],\"import_data\":[");
        for (var i = start; i < start + count; i++)
        {
            if (i > start)
            {
                text.Append(',');
            }

            text.Append(CultureInfo.InvariantCulture, $"{{\"email\":\"bench{i:D7}@example.com\",\"first_name\":\"First{i}\",\"last_name\":\"Last{i}\"}}");
        }

        var body = Encoding.UTF8.GetBytes(text.Append("]}").ToString());
        return body.Length < 4_000_000 ? body : throw new InvalidOperationException("A body is over 4,000,000 bytes.");
    }

    private static async Task<string> DeviceTokenAsync(HttpClient http, string auth, string clientId)
    {
        using var device = await FormAsync(http, auth + "/device/authorize", ("client_id", clientId), ("scope", "contact_data offline_access"));
        using var token = await FormAsync(
            http, auth + "/token", ("client_id", clientId), ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device.RootElement.GetProperty("device_code").GetString()!));
        return token.RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<JsonDocument> FormAsync(HttpClient http, string uri, params (string Name, string Value)[] fields)
    {
        using var response = await http.PostAsync(uri, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends one request, waiting out throttled 429s as a well-behaved client does (the sandbox runs at 4/s).</summary>
    private static async Task<JsonDocument> SendAsync(HttpClient http, HttpMethod method, string uri, byte[]? body)
    {
        while (true)
        {
            using var request = new HttpRequestMessage(method, uri);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests && text.Contains("\"throttled\"", StringComparison.Ordinal))
            {
                await Task.Delay(250);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{method} {uri}: {(int)response.StatusCode} {text}");
            }

            return JsonDocument.Parse(text);
        }
    }

    private static async Task<(int Persons, DateTime FirstStart, DateTime LastEnd)> ProcessingWindowAsync(HttpClient http, string api, List<string> ids)
    {
        var persons = 0;
        var first = DateTime.MaxValue;
        var last = DateTime.MinValue;
        foreach (var id in ids)
        {
            using var activity = await SendAsync(http, HttpMethod.Get, $"{api}/activities/{id}", null);
            persons += activity.RootElement.GetProperty("status").GetProperty("person_count").GetInt32();
            var started = activity.RootElement.GetProperty("started_at").GetDateTime();
            var completed = activity.RootElement.GetProperty("completed_at").GetDateTime();
            first = started < first ? started : first;
            last = completed > last ? completed : last;
        }

        return (persons, first, last);
    }

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture);

    private static string? Argument(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string? FindBuiltSandbox()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "out", "sandbox", "ConstantContact.Sandbox.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
