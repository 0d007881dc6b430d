namespace ConstantContactExport;

/// <summary>One address as <c>Test-CCEmailAddress -Detailed</c> reports it.</summary>
public sealed class CCEmailAddressTestResult
{
    internal CCEmailAddressTestResult(string? address, bool isValid, string? normalized, string? reason)
    {
        Address = address;
        IsValid = isValid;
        Normalized = normalized;
        Reason = reason;
    }

    /// <summary>The address exactly as it was given.</summary>
    public string? Address { get; }

    /// <summary>True when Constant Contact will take the address (in its <see cref="Normalized"/> form).</summary>
    public bool IsValid { get; }

    /// <summary>The form an export sends: trimmed, the domain in lower case and punycode. Null when invalid.</summary>
    public string? Normalized { get; }

    /// <summary>
    /// Why the address is invalid, as a stable name (MissingAt, InvalidDomain, TooLong...; see
    /// docs/email-validation.md). Null when valid.
    /// </summary>
    public string? Reason { get; }

    public override string ToString() => Normalized ?? Address ?? string.Empty;
}
