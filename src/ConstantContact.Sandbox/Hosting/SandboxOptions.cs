using System.Globalization;
using ConstantContact.Sandbox.Activities;
using ConstantContact.Sandbox.Faults;
using ConstantContact.Sandbox.OAuth;

namespace ConstantContact.Sandbox.Hosting;

/// <summary>Everything the command line can set. Defaults are Constant Contact's documented limits.</summary>
public sealed class SandboxOptions
{
    /// <summary>The id a client gets when none is given: fixed, so that scripts and tests can hard-code it.</summary>
    public const string DefaultClientId = "5c1a7e2b-0d3f-4b6a-9e8c-5a4db0c00001";

    public int Port { get; set; }

    /// <summary>Requests a second per client id on /v3; 0 turns the limit off.</summary>
    public double RateLimit { get; set; } = 4;

    /// <summary>Requests a day (UTC) per client id on /v3; 0 turns the quota off.</summary>
    public long DailyQuota { get; set; } = 10_000;

    public int TokenLifetimeSeconds { get; set; } = 86_400;

    public RefreshTokenMode RefreshTokenMode { get; set; } = RefreshTokenMode.Rotating;

    /// <summary>How long an activity takes from creation to completion (at the least).</summary>
    public int ActivityDelayMs { get; set; } = 200;

    public double FaultRate { get; set; }

    public IReadOnlyList<FaultKind> FaultKinds { get; set; } = FaultKindNames.Default;

    /// <summary>Null picks a seed at random; the state endpoint reports the one in use.</summary>
    public int? Seed { get; set; }

    /// <summary>How long a "slow" fault holds a request before serving it.</summary>
    public int SlowDelayMs { get; set; } = 2_000;

    public bool ManualApproval { get; set; }

    /// <summary>How the first activities end (cancelled, failed, timed_out), in order; later ones complete.</summary>
    public IReadOnlyList<ActivityState> ActivityEnds { get; set; } = [];

    public string ClientId { get; set; } = DefaultClientId;

    /// <summary>
    /// The application's registered redirect URIs: /authorize takes only these, compared exactly. Empty takes
    /// any http loopback redirect.
    /// </summary>
    public List<string> RedirectUris { get; } = [];

    public string? ClientSecret { get; set; }

    /// <summary>The device flow's polling interval, in seconds (Okta's default is 5).</summary>
    public int DeviceIntervalSeconds { get; set; } = 5;

    public int DeviceCodeLifetimeSeconds { get; set; } = 600;

    /// <summary>Requests a second per client id on /token; 0 turns the limit off.</summary>
    public double TokenRateLimit { get; set; } = 1;

    public const string Usage = """
        ConstantContact.Sandbox: a loopback emulator of the Constant Contact V3 API and its OAuth server.

        dotnet ConstantContact.Sandbox.dll [--port 0] [options]

          --port <n>                      TCP port on 127.0.0.1 (0 = any free port; default 0)
          --client-id <id>                the API key (default 5c1a7e2b-0d3f-4b6a-9e8c-5a4db0c00001)
          --client-secret <s>             makes the client confidential: /token then wants HTTP Basic
          --redirect-uri <uri>            a registered redirect URI (repeat for more): /authorize then takes
                                          only these, compared exactly (default: any http loopback URI)
          --rate-limit <per second>       /v3 requests per second per client id (default 4; 0 = off)
          --daily-quota <n>               /v3 requests per UTC day per client id (default 10000; 0 = off)
          --token-lifetime <seconds>      access token lifetime (default 86400)
          --refresh-token-mode <mode>     rotating | long-lived (default rotating)
          --token-rate-limit <per second> /token requests per second per client id (default 1; 0 = off)
          --device-interval <seconds>     device flow polling interval (default 5)
          --device-code-lifetime <s>      device code lifetime (default 600)
          --manual-approval               device codes wait for POST /__sandbox/approve
          --activity-delay <ms>           time an activity takes to process (default 200)
          --activity-ends <states>        comma list of cancelled,failed,timed_out: how the first activities
                                          end, in order (later ones complete; see POST /__sandbox/activity-ends)
          --fault-rate <0..1>             share of /v3 requests that get a fault (default 0)
          --faults <kinds>                comma list of 500,503,reset,slow,lost-response,throttle,empty-200
                                          (default all but empty-200)
          --seed <n>                      fault seed (default: random, reported by /__sandbox/state)
          --slow-delay <ms>               how long a "slow" fault holds a request (default 2000)
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static SandboxOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SandboxOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--manual-approval")
            {
                options.ManualApproval = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option '{name}' needs a value.");
            }

            var value = args[++i];
            switch (name)
            {
                case "--port": options.Port = ParseInt(name, value, 0, 65_535); break;
                case "--client-id": options.ClientId = NotBlank(name, value); break;
                case "--client-secret": options.ClientSecret = NotBlank(name, value); break;
                case "--redirect-uri": options.RedirectUris.Add(NotBlank(name, value)); break;
                case "--rate-limit": options.RateLimit = ParseDouble(name, value, 0, 1_000_000); break;
                case "--daily-quota": options.DailyQuota = ParseInt(name, value, 0, int.MaxValue); break;
                case "--token-lifetime": options.TokenLifetimeSeconds = ParseInt(name, value, 1, int.MaxValue); break;
                case "--refresh-token-mode": options.RefreshTokenMode = ParseMode(value); break;
                case "--token-rate-limit": options.TokenRateLimit = ParseDouble(name, value, 0, 1_000_000); break;
                case "--device-interval": options.DeviceIntervalSeconds = ParseInt(name, value, 0, 3_600); break;
                case "--device-code-lifetime": options.DeviceCodeLifetimeSeconds = ParseInt(name, value, 1, 86_400); break;
                case "--activity-delay": options.ActivityDelayMs = ParseInt(name, value, 0, 3_600_000); break;
                case "--activity-ends": options.ActivityEnds = ActivityEndFaults.ParseList(value); break;
                case "--fault-rate": options.FaultRate = ParseDouble(name, value, 0, 1); break;
                case "--faults": options.FaultKinds = FaultKindNames.ParseList(value); break;
                case "--seed": options.Seed = ParseInt(name, value, int.MinValue, int.MaxValue); break;
                case "--slow-delay": options.SlowDelayMs = ParseInt(name, value, 0, 600_000); break;
                default: throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return options;
    }

    private static string NotBlank(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"Option '{name}' needs a value.") : value;

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"Option '{name}' wants a whole number from {min} to {max}, not '{value}'.");

    private static double ParseDouble(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"Option '{name}' wants a number from {min} to {max}, not '{value}'.");

    private static RefreshTokenMode ParseMode(string value) => value.ToLowerInvariant() switch
    {
        "rotating" => RefreshTokenMode.Rotating,
        "long-lived" or "longlived" or "long_lived" => RefreshTokenMode.LongLived,
        _ => throw new ArgumentException($"Option '--refresh-token-mode' wants rotating or long-lived, not '{value}'."),
    };
}
