namespace ConstantContact.Sandbox.OAuth;

/// <summary>Authorization codes between /authorize and /token.</summary>
public sealed class AuthorizationCodeStore
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public AuthorizationCodeStore(TimeProvider time)
    {
        _time = time;
    }

    public string Issue(string clientId, string redirectUri, IReadOnlySet<string> scopes, string? codeChallenge)
    {
        var code = new AuthorizationCode
        {
            Code = SecretGenerator.Code(),
            ClientId = clientId,
            RedirectUri = redirectUri,
            Scopes = scopes,
            CodeChallenge = codeChallenge,
            ExpiresAt = _time.GetUtcNow() + Lifetime,
        };
        lock (_codes)
        {
            _codes[code.Code] = code;
        }

        return code.Code;
    }

    /// <summary>Takes the code out whatever happens next: a code that failed once cannot be tried again.</summary>
    public AuthorizationCode? Redeem(string code)
    {
        lock (_codes)
        {
            if (!_codes.Remove(code, out var found))
            {
                return null;
            }

            return _time.GetUtcNow() < found.ExpiresAt ? found : null;
        }
    }
}
