namespace ConstantContact.Sandbox.Imports;

/// <summary>The documented import limits.</summary>
public static class ImportLimits
{
    /// <summary>
    /// "4 MB" read as 4,000,000 bytes, the stricter reading: a client that keeps its bodies under this keeps
    /// them under 4 MiB too, while one that aims at 4,194,304 would lose contacts if the real server meant 4,000,000.
    /// </summary>
    public const int BodyBytes = 4_000_000;

    public const int MaxJsonContacts = 40_000;

    /// <summary>CSV: 40,000 lines including the header.</summary>
    public const int MaxCsvLines = 40_000;

    public const int MaxListIds = 50;

    /// <summary>What Kestrel accepts at all; a body past 4 MB is read and cut, not refused.</summary>
    public const long MaxRequestBytes = 64L * 1024 * 1024;
}
