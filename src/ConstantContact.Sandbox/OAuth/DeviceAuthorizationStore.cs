namespace ConstantContact.Sandbox.OAuth;

/// <summary>The device flow (RFC 8628): codes, approval, and the polling answers.</summary>
public sealed class DeviceAuthorizationStore
{
    private readonly object gate = new();
    private readonly Dictionary<string, DeviceAuthorization> byDeviceCode = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly bool manualApproval;
    private readonly TimeSpan interval;
    private readonly TimeSpan lifetime;

    public DeviceAuthorizationStore(TimeProvider time, bool manualApproval, int intervalSeconds, int lifetimeSeconds)
    {
        this.time = time;
        this.manualApproval = manualApproval;
        this.interval = TimeSpan.FromSeconds(intervalSeconds);
        this.lifetime = TimeSpan.FromSeconds(lifetimeSeconds);
    }

    public DeviceAuthorization Start(string clientId, IReadOnlySet<string> scopes)
    {
        var authorization = new DeviceAuthorization
        {
            DeviceCode = SecretGenerator.Code(),
            UserCode = SecretGenerator.UserCode(),
            ClientId = clientId,
            Scopes = scopes,
            ExpiresAt = time.GetUtcNow() + lifetime,
            Interval = this.interval,
            // Without --manual-approval the person is taken to have approved at once.
            Status = manualApproval ? DeviceAuthorizationStatus.Pending : DeviceAuthorizationStatus.Approved,
        };
        lock (gate)
        {
            byDeviceCode[authorization.DeviceCode] = authorization;
        }

        return authorization;
    }

    /// <summary>Approves (or denies) one pending code by user code, or every pending one when it is null.</summary>
    public int Decide(string? userCode, bool approve)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var count = 0;
            foreach (var authorization in byDeviceCode.Values)
            {
                if (authorization.Status != DeviceAuthorizationStatus.Pending || authorization.ExpiresAt <= now)
                {
                    continue;
                }

                if (userCode is not null && !string.Equals(Normalize(authorization.UserCode), Normalize(userCode), StringComparison.Ordinal))
                {
                    continue;
                }

                authorization.Status = approve ? DeviceAuthorizationStatus.Approved : DeviceAuthorizationStatus.Denied;
                count++;
            }

            return count;
        }
    }

    /// <summary>
    /// One poll of the token endpoint. Returns the authorization when it may be redeemed (and marks it redeemed),
    /// else null with the OAuth error code.
    /// </summary>
    public DeviceAuthorization? Poll(string clientId, string deviceCode, out string? error, out string? description)
    {
        lock (gate)
        {
            error = null;
            description = null;
            var now = time.GetUtcNow();
            if (!byDeviceCode.TryGetValue(deviceCode, out var authorization) || authorization.ClientId != clientId
                || authorization.Status == DeviceAuthorizationStatus.Redeemed)
            {
                (error, description) = ("invalid_grant", "The device code is invalid or has already been used.");
                return null;
            }

            if (now >= authorization.ExpiresAt)
            {
                (error, description) = ("expired_token", "The device code has expired.");
                return null;
            }

            var polledTooSoon = authorization.LastPolledAt is { } last && now - last < authorization.Interval;
            authorization.LastPolledAt = now;
            if (polledTooSoon)
            {
                // RFC 8628 §3.5: the client must add 5 seconds to its interval from now on.
                authorization.Interval += TimeSpan.FromSeconds(5);
                (error, description) = ("slow_down", "Polling too fast: wait the interval between token requests, plus 5 seconds from now on.");
                return null;
            }

            switch (authorization.Status)
            {
                case DeviceAuthorizationStatus.Pending:
                    (error, description) = ("authorization_pending", "The user has not yet approved the device.");
                    return null;
                case DeviceAuthorizationStatus.Denied:
                    (error, description) = ("access_denied", "The user denied the request.");
                    return null;
                default:
                    authorization.Status = DeviceAuthorizationStatus.Redeemed;
                    return authorization;
            }
        }
    }

    private static string Normalize(string userCode) => userCode.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
