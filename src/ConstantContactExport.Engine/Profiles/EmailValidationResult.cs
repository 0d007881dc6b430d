namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// What <see cref="EmailAddressValidator.Validate"/> found: the normalized address, or the reason there is none.
/// </summary>
/// <remarks>
/// A struct, so that validating a million addresses allocates nothing but the normalized strings that differ
/// from their input. <c>default</c> is not a value Validate returns; it reads as invalid with reason None.
/// </remarks>
public readonly struct EmailValidationResult
{
    private EmailValidationResult(string? normalized, EmailRejectReason reason)
    {
        Normalized = normalized;
        Reason = reason;
    }

    /// <summary>True when the address may be sent to Constant Contact (in its <see cref="Normalized"/> form).</summary>
    public bool IsValid => Normalized is not null;

    /// <summary>
    /// The address to send: surrounding white space trimmed, the domain in lower case and in its ASCII (punycode)
    /// form, the local part as given. Null when invalid.
    /// </summary>
    public string? Normalized { get; }

    /// <summary>Why the address is invalid; <see cref="EmailRejectReason.None"/> when valid.</summary>
    public EmailRejectReason Reason { get; }

    internal static EmailValidationResult Valid(string normalized) => new(normalized, EmailRejectReason.None);

    internal static EmailValidationResult Invalid(EmailRejectReason reason) => new(null, reason);

    public override string ToString() => Normalized ?? Reason.ToString();
}
