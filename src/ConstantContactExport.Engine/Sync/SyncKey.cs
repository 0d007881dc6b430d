using System;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ConstantContactExport.Engine.Sync;

/// <summary>
/// The key a contact has in an export's sync state: a 64-bit XxHash of its email address trimmed and lower-cased
/// (invariant culture), as the run's de-duplication compares addresses, hashed as UTF-16LE code units.
/// </summary>
/// <remarks>
/// Eight bytes instead of the address keeps a million contacts in a few dozen megabytes and keeps addresses out
/// of the state file. The price is the chance that two addresses share a key: about n²/2⁶⁵, 2.7e-8 for a
/// million contacts, 2.7e-6 for ten million. A collision cannot make a profile be skipped unseen, because the
/// fingerprint (<see cref="SyncFingerprint"/>) covers the address itself: the newcomer's fingerprint differs, so
/// it is sent as changed. What a collision can cost is the other contact's record (its contact id and lists),
/// so that at worst one leaver is not removed from its list. Two addresses of one run with the same key are
/// visible to the caller (the run's keys are sorted and must be distinct) and can be sent without the state.
/// </remarks>
public static class SyncKey
{
    private const int StackLimit = 512;

    public static ulong For(string email)
    {
        if (email is null)
        {
            throw new ArgumentNullException(nameof(email));
        }

        ReadOnlySpan<char> trimmed = email.AsSpan().Trim();
        Span<char> lower = trimmed.Length <= StackLimit ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        trimmed.ToLowerInvariant(lower);

        // Every system .NET runs PowerShell on is little-endian, so these bytes are UTF-16LE on all of them.
        return XxHash64.HashToUInt64(MemoryMarshal.AsBytes(lower));
    }
}
