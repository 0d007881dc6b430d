using System;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// What an export last delivered to one contact and Constant Contact confirmed: its key (<see cref="SyncKey"/>),
/// the fingerprint of the fields sent (<see cref="SyncFingerprint"/>), its contact id once known
/// (<see cref="Guid.Empty"/> while unknown), and the export's lists it was put on, as bits indexing the state's list
/// table (bit i = list i). 40 bytes in memory.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct SyncRecord : IEquatable<SyncRecord>
{
    public SyncRecord(ulong key, ulong fingerprint, Guid contactId, ulong lists)
    {
        Key = key;
        Fingerprint = fingerprint;
        ContactId = contactId;
        Lists = lists;
    }

    public ulong Key { get; }

    public ulong Fingerprint { get; }

    /// <summary>The Constant Contact contact id; <see cref="Guid.Empty"/> while not learnt yet.</summary>
    public Guid ContactId { get; }

    /// <summary>Bit i set: the contact was put on the state's list i.</summary>
    public ulong Lists { get; }

    public bool HasContactId => ContactId != Guid.Empty;

    public SyncRecord WithContactId(Guid contactId) => new(Key, Fingerprint, contactId, Lists);

    public SyncRecord WithLists(ulong lists) => new(Key, Fingerprint, ContactId, lists);

    public bool Equals(SyncRecord other) =>
        Key == other.Key && Fingerprint == other.Fingerprint && ContactId == other.ContactId && Lists == other.Lists;

    public override bool Equals(object? obj) => obj is SyncRecord other && Equals(other);

    public override int GetHashCode() => Key.GetHashCode() ^ Fingerprint.GetHashCode() ^ ContactId.GetHashCode() ^ Lists.GetHashCode();

    public override string ToString() => $"{Key:x16} fp {Fingerprint:x16} id {ContactId} lists {Lists:x}";
}
