namespace ConstantContact.Sandbox.Limits;

/// <summary>The limits a client meets: per second and per day on /v3, per second on /token.</summary>
public sealed class SandboxLimits
{
    public SandboxLimits(double apiRate, long dailyQuota, double tokenRate, TimeProvider time)
    {
        Api = new ClientRateLimiter(apiRate, time);
        Quota = new DailyQuota(dailyQuota, time);
        TokenEndpoint = new ClientRateLimiter(tokenRate, time);
    }

    public ClientRateLimiter Api { get; }

    public DailyQuota Quota { get; }

    public ClientRateLimiter TokenEndpoint { get; }
}
