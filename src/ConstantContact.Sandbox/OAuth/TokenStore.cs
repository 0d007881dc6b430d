namespace ConstantContact.Sandbox.OAuth;

/// <summary>
/// Issues, checks, rotates and revokes tokens. The tokens themselves are opaque; what they mean lives here.
/// Every token ever issued is remembered for the inspection API, so that tests can prove a client never
/// wrote one to a log or a file.
/// </summary>
public sealed class TokenStore
{
    private static readonly TimeSpan RefreshIdleLifetime = TimeSpan.FromDays(180);

    private readonly object _gate = new();
    private readonly Dictionary<string, AccessTokenGrant> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshTokenGrant> _refresh = new(StringComparer.Ordinal);
    private readonly List<string> _issued = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _accessLifetime;
    private readonly RefreshTokenMode _mode;

    public TokenStore(TimeProvider time, int accessLifetimeSeconds, RefreshTokenMode mode)
    {
        _time = time;
        _accessLifetime = TimeSpan.FromSeconds(accessLifetimeSeconds);
        _mode = mode;
    }

    /// <summary>A new grant (device or authorization code): a refresh token only with offline_access.</summary>
    public TokenResponse Issue(string clientId, IReadOnlySet<string> scopes)
    {
        lock (_gate)
        {
            string? refreshToken = null;
            Guid? family = null;
            if (scopes.Contains(Scopes.OfflineAccess))
            {
                family = Guid.NewGuid();
                refreshToken = AddRefresh(new RefreshTokenGrant
                {
                    ClientId = clientId, Scopes = scopes, FamilyId = family.Value, LastUsedAt = _time.GetUtcNow(),
                });
            }

            return AddAccess(clientId, scopes, family, refreshToken);
        }
    }

    /// <summary>The refresh grant; null with <paramref name="error"/> set when the token is no good.</summary>
    public TokenResponse? Refresh(string clientId, string refreshToken, IReadOnlySet<string>? requestedScopes, out string? error)
    {
        lock (_gate)
        {
            error = null;
            var now = _time.GetUtcNow();
            if (!_refresh.TryGetValue(refreshToken, out var grant) || grant.ClientId != clientId)
            {
                // Unknown covers the rotated-away case: reuse of an old refresh token is indistinguishable from garbage.
                error = "The refresh token is invalid or expired.";
                return null;
            }

            if (now - grant.LastUsedAt > RefreshIdleLifetime)
            {
                _refresh.Remove(refreshToken);
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
            if (_mode == RefreshTokenMode.Rotating)
            {
                _refresh.Remove(refreshToken);
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
        lock (_gate)
        {
            if (!_access.TryGetValue(accessToken, out var grant))
            {
                return null;
            }

            if (_time.GetUtcNow() >= grant.ExpiresAt)
            {
                _access.Remove(accessToken);
                return null;
            }

            return grant;
        }
    }

    /// <summary>RFC 7009: revoking a refresh token also revokes the access tokens it produced.</summary>
    public void Revoke(string clientId, string token)
    {
        lock (_gate)
        {
            if (_access.TryGetValue(token, out var access) && access.ClientId == clientId)
            {
                _access.Remove(token);
                return;
            }

            if (_refresh.TryGetValue(token, out var refresh) && refresh.ClientId == clientId)
            {
                _refresh.Remove(token);
                foreach (var key in _access.Where(p => p.Value.FamilyId == refresh.FamilyId).Select(p => p.Key).ToList())
                {
                    _access.Remove(key);
                }
            }
        }
    }

    public IReadOnlyList<string> IssuedTokens()
    {
        lock (_gate)
        {
            return _issued.ToArray();
        }
    }

    private string AddRefresh(RefreshTokenGrant grant)
    {
        var token = SecretGenerator.RefreshToken();
        _refresh[token] = grant;
        _issued.Add(token);
        return token;
    }

    private TokenResponse AddAccess(string clientId, IReadOnlySet<string> scopes, Guid? family, string? refreshToken)
    {
        var token = SecretGenerator.AccessToken();
        _access[token] = new AccessTokenGrant
        {
            ClientId = clientId, Scopes = scopes, FamilyId = family, ExpiresAt = _time.GetUtcNow() + _accessLifetime,
        };
        _issued.Add(token);
        return new TokenResponse
        {
            AccessToken = token,
            ExpiresIn = (int)_accessLifetime.TotalSeconds,
            Scope = Scopes.Format(scopes),
            RefreshToken = refreshToken,
        };
    }
}
