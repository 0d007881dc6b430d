namespace ConstantContact.Sandbox.OAuth;

/// <summary>Authorization codes between /authorize and /token.</summary>
public sealed class AuthorizationCodeStore
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, AuthorizationCode> codes = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    public AuthorizationCodeStore(TimeProvider time)
    {
        this.time = time;
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
            ExpiresAt = time.GetUtcNow() + Lifetime,
        };
        lock (this.codes)
        {
            this.codes[code.Code] = code;
        }

        return code.Code;
    }

    /// <summary>Takes the code out whatever happens next: a code that failed once cannot be tried again.</summary>
    public AuthorizationCode? Redeem(string code)
    {
        lock (this.codes)
        {
            if (!this.codes.Remove(code, out var found))
            {
                return null;
            }

            return time.GetUtcNow() < found.ExpiresAt ? found : null;
        }
    }
}
