using System;

namespace ConstantContactExport.Engine.Import;

/// <summary>
/// The bounds of one JSON import body. Constant Contact takes at most 40,000 contacts in one body, and a body
/// of 4 MB or more is silently cut to its first 4 MB. Whether "4 MB" is 4,000,000 or 4,194,304 bytes is not
/// documented, so the bound starts from the smaller, 4,000,000, and keeps a further 100,000 bytes (2.5%) in
/// hand for whatever the server counts that we do not (a different measure of the body, a proxy's framing).
/// Bodies are measured in UTF-8 bytes, exactly as sent.
/// </summary>
/// <param name="MaxContacts">Contacts per body; at most 40,000.</param>
/// <param name="MaxBodyBytes">UTF-8 bytes per body, envelope included.</param>
public sealed record ImportBatchLimits(int MaxContacts = ImportBatchLimits.ConstantContactMaxContacts, int MaxBodyBytes = ImportBatchLimits.DefaultMaxBodyBytes)
{
    public const int ConstantContactMaxContacts = 40_000;
    public const int ConstantContactMaxBodyBytes = 4_000_000;
    public const int SafetyMarginBytes = 100_000;
    public const int DefaultMaxBodyBytes = ConstantContactMaxBodyBytes - SafetyMarginBytes;

    public static ImportBatchLimits Default { get; } = new();

    internal void Check()
    {
        if (MaxContacts < 1 || MaxContacts > ConstantContactMaxContacts)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxContacts), MaxContacts, $"A body holds 1 to {ConstantContactMaxContacts} contacts.");
        }

        if (MaxBodyBytes < 1024 || MaxBodyBytes >= ConstantContactMaxBodyBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, $"A body is 1,024 to {ConstantContactMaxBodyBytes - 1} bytes.");
        }
    }
}
