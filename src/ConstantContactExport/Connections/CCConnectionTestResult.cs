using System;

namespace ConstantContactExport;

/// <summary>What Test-CCConnection found: whether the API answered with the stored token, and for which account.</summary>
public sealed class CCConnectionTestResult
{
    internal CCConnectionTestResult(string name, Uri apiBaseUri, string? account, DateTimeOffset? tokenExpiresOn, bool reachable)
    {
        Name = name;
        ApiBaseUri = apiBaseUri;
        Account = account;
        TokenExpiresOn = tokenExpiresOn?.LocalDateTime;
        Reachable = reachable;
    }

    public string Name { get; }

    public Uri ApiBaseUri { get; }

    /// <summary>The account's organization name (or its encoded account id).</summary>
    public string? Account { get; }

    public DateTime? TokenExpiresOn { get; }

    /// <summary>True when GET /account/summary succeeded.</summary>
    public bool Reachable { get; }

    public override string ToString() => $"{Name}: {(Reachable ? "reachable" : "not reachable")}";
}
