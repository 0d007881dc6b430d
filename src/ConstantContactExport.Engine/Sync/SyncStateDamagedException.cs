using System.IO;

namespace ConstantContactExport.Engine.Sync;

/// <summary>Why a sync state file cannot be read.</summary>
public enum SyncStateDamage
{
    /// <summary>Shorter than its header says it is: a write cut short, or a copy that lost its end.</summary>
    Truncated,

    /// <summary>Longer than its header says it is.</summary>
    TrailingData,

    /// <summary>Not a sync state file at all (the first bytes are not its magic).</summary>
    NotSyncState,

    /// <summary>Written by a newer version of the module, in a format this one does not know.</summary>
    UnsupportedVersion,

    /// <summary>A header value out of range (record size, list count, record count).</summary>
    BadHeader,

    /// <summary>The checksum over the content does not match: bytes changed on disk.</summary>
    ChecksumMismatch,

    /// <summary>Records out of order, a key twice, or a list bit past the list table.</summary>
    BadRecord,
}

/// <summary>
/// A sync state file that exists but cannot be trusted. It is never read as an empty state: that would make the
/// next run send everything (or, with removal, remove nothing it should). The caller fails the run and says how
/// to recover (a full run rebuilds the state).
/// </summary>
public sealed class SyncStateDamagedException : IOException
{
    public SyncStateDamagedException(string path, SyncStateDamage damage, string detail)
        : base($"The sync state file '{path}' is damaged ({damage}): {detail}")
    {
        Path = path;
        Damage = damage;
    }

    public string Path { get; }

    public SyncStateDamage Damage { get; }
}
