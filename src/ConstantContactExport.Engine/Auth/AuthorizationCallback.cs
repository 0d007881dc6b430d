namespace ConstantContactExport.Engine.Auth;

/// <summary>What the browser brought back to the loopback listener: a code, or an OAuth error.</summary>
public sealed class AuthorizationCallback
{
    public AuthorizationCallback(string? code, string? error, string? errorDescription)
    {
        Code = code;
        Error = error;
        ErrorDescription = errorDescription;
    }

    public string? Code { get; }

    public string? Error { get; }

    public string? ErrorDescription { get; }

    public override string ToString() => Error is null ? "Authorization code received" : $"Authorization error {Error}";
}
