namespace ConstantContact.Sandbox.OAuth;

/// <summary>Endpoint metadata: the scope an access token needs for the endpoint (403 without it).</summary>
public sealed class RequiredScope
{
    public RequiredScope(string scope)
    {
        Scope = scope;
    }

    public string Scope { get; }
}
