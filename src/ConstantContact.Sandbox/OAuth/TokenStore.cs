namespace ConstantContact.Sandbox.OAuth;

/// <summary>
/// Issues, checks, rotates and revokes tokens. The tokens themselves are opaque; what they mean lives here.
/// Every token ever issued is remembered for the inspection API, so that tests can prove a client never
/// wrote one to a log or a file.
/// </summary>
public sealed class TokenStore
{
    private static readonly TimeSpan RefreshIdleLifetime = TimeSpan.FromDays(180);

    private readonly object gate = new();
    private readonly Dictionary<string, AccessTokenGrant> access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshTokenGrant> refresh = new(StringComparer.Ordinal);
    private readonly List<string> issued = [];
    private readonly TimeProvider time;
    private TimeSpan accessLifetime;
    private readonly RefreshTokenMode mode;

    public TokenStore(TimeProvider time, int accessLifetimeSeconds, RefreshTokenMode mode)
    {
        this.time = time;
        this.accessLifetime = TimeSpan.FromSeconds(accessLifetimeSeconds);
        this.mode = mode;
    }

    /// <summary>A new grant (device or authorization code): a refresh token only with offline_access.</summary>
    public TokenResponse Issue(string clientId, IReadOnlySet<string> scopes)
    {
        lock (gate)
        {
            string? refreshToken = null;
            Guid? family = null;
            if (scopes.Contains(Scopes.OfflineAccess))
            {
                family = Guid.NewGuid();
                refreshToken = AddRefresh(new RefreshTokenGrant
                {
                    ClientId = clientId, Scopes = scopes, FamilyId = family.Value, LastUsedAt = time.GetUtcNow(),
                });
            }

            return AddAccess(clientId, scopes, family, refreshToken);
        }
    }

    /// <summary>The refresh grant; null with <paramref name="error"/> set when the token is no good.</summary>
    public TokenResponse? Refresh(string clientId, string refreshToken, IReadOnlySet<string>? requestedScopes, out string? error)
    {
        lock (gate)
        {
            error = null;
            var now = time.GetUtcNow();
            if (!this.refresh.TryGetValue(refreshToken, out var grant) || grant.ClientId != clientId)
            {
                // Unknown covers the rotated-away case: reuse of an old refresh token is indistinguishable from garbage.
                error = "The refresh token is invalid or expired.";
                return null;
            }

            if (now - grant.LastUsedAt > RefreshIdleLifetime)
            {
                this.refresh.Remove(refreshToken);
                error = "The refresh token is invalid or expired.";
                return null;
            }

            var scopes = requestedScopes ?? grant.Scopes;
            if (!scopes.IsSubsetOf(grant.Scopes))
            {
                error = "The requested scope is greater than the scope originally granted.";
                return null;
            }

            grant.LastUsedAt = now;
            var nextRefresh = refreshToken;
            if (mode == RefreshTokenMode.Rotating)
            {
                this.refresh.Remove(refreshToken);
                nextRefresh = AddRefresh(new RefreshTokenGrant
                {
                    ClientId = clientId, Scopes = grant.Scopes, FamilyId = grant.FamilyId, LastUsedAt = now,
                });
            }

            return AddAccess(clientId, scopes, grant.FamilyId, nextRefresh);
        }
    }

    /// <summary>The grant behind a bearer token, or null when it is unknown, expired or revoked.</summary>
    public AccessTokenGrant? Validate(string accessToken)
    {
        lock (gate)
        {
            if (!this.access.TryGetValue(accessToken, out var grant))
            {
                return null;
            }

            if (time.GetUtcNow() >= grant.ExpiresAt)
            {
                this.access.Remove(accessToken);
                return null;
            }

            return grant;
        }
    }

    /// <summary>RFC 7009: revoking a refresh token also revokes the access tokens it produced.</summary>
    public void Revoke(string clientId, string token)
    {
        lock (gate)
        {
            if (this.access.TryGetValue(token, out var access) && access.ClientId == clientId)
            {
                this.access.Remove(token);
                return;
            }

            if (this.refresh.TryGetValue(token, out var refresh) && refresh.ClientId == clientId)
            {
                this.refresh.Remove(token);
                foreach (var key in this.access.Where(p => p.Value.FamilyId == refresh.FamilyId).Select(p => p.Key).ToList())
                {
                    this.access.Remove(key);
                }
            }
        }
    }

    /// <summary>
    /// The lifetime of access tokens issued from now on (POST /__sandbox/token-lifetime); tokens already issued
    /// keep theirs. Lets a test have a short-lived token and then long-lived ones without a sandbox each.
    /// </summary>
    public void SetAccessLifetime(int seconds)
    {
        lock (gate)
        {
            this.accessLifetime = TimeSpan.FromSeconds(seconds);
        }
    }

    public IReadOnlyList<string> IssuedTokens()
    {
        lock (gate)
        {
            return this.issued.ToArray();
        }
    }

    private string AddRefresh(RefreshTokenGrant grant)
    {
        var token = SecretGenerator.RefreshToken();
        this.refresh[token] = grant;
        this.issued.Add(token);
        return token;
    }

    private TokenResponse AddAccess(string clientId, IReadOnlySet<string> scopes, Guid? family, string? refreshToken)
    {
        var token = SecretGenerator.AccessToken();
        this.access[token] = new AccessTokenGrant
        {
            ClientId = clientId, Scopes = scopes, FamilyId = family, ExpiresAt = time.GetUtcNow() + accessLifetime,
        };
        this.issued.Add(token);
        return new TokenResponse
        {
            AccessToken = token,
            ExpiresIn = (int)accessLifetime.TotalSeconds,
            Scope = Scopes.Format(scopes),
            RefreshToken = refreshToken,
        };
    }
}
