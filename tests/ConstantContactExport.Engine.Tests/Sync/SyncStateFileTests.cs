using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ConstantContactExport.Engine.Sync;
using CsCheck;

namespace ConstantContactExport.Engine.Tests.Sync;

public sealed class SyncStateFileTests
{
    private static readonly DateTimeOffset SavedAt = new(2026, 5, 4, 3, 2, 1, 123, TimeSpan.Zero);

    private static Guid[] Lists(int count) => Enumerable.Range(1, count).Select(i => new Guid($"00000000-0000-0000-0000-{i:D12}")).ToArray();

    private static SyncRecord[] Records(int count, int listCount, int seed = 1)
    {
        var random = new Random(seed);
        var keys = new HashSet<ulong>();
        while (keys.Count < count)
        {
            keys.Add((ulong)random.NextInt64(long.MinValue, long.MaxValue));
        }

        ulong allowed = listCount == 64 ? ulong.MaxValue : (1UL << listCount) - 1;
        return keys.Order().Select(key => new SyncRecord(
            key,
            (ulong)random.NextInt64(),
            random.Next(3) == 0 ? Guid.Empty : Guid.NewGuid(),
            listCount == 0 ? 0 : ((ulong)random.NextInt64() & allowed) | 1)).ToArray();
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(32, 500)]
    [InlineData(33, 500)]
    [InlineData(64, 10_000)]
    public void A_state_round_trips_with_its_lists_records_and_time(int listCount, int recordCount)
    {
        using var folder = new TempFolder();
        string path = folder.File("export.sync");
        Guid[] lists = Lists(listCount);
        SyncRecord[] records = Records(recordCount, listCount);
        SyncStateFile.Save(path, lists, records, SavedAt);

        SyncState state = SyncStateFile.Load(path)!;
        Assert.Equal(lists, state.Lists);
        Assert.Equal(records, state.Records);
        Assert.Equal(SavedAt, state.SavedAt);
        Assert.Equal(SyncStateFile.FileSize(listCount, recordCount), new FileInfo(path).Length);
        Assert.Equal(listCount <= 32 ? 36 : 40, SyncStateFile.RecordSize(listCount));
        if (recordCount > 0)
        {
            SyncRecord some = records[recordCount / 2];
            Assert.True(state.TryFind(some.Key, out SyncRecord found));
            Assert.Equal(some, found);
            ulong missing = some.Key ^ 1;
            Assert.Equal(records.Any(r => r.Key == missing), state.TryFind(missing, out _));
        }

        Assert.Equal(listCount > 0 ? 0 : -1, state.ListIndex(listCount > 0 ? lists[0] : Guid.NewGuid()));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_lookup_finds_exactly_the_keys_the_state_holds_however_they_spread()
    {
        // Spread (hashes), bunched under one prefix, at both ends of the range, and sizes around powers of two.
        Gen<ulong> anyKey = Gen.OneOf(Gen.ULong, Gen.ULong[0, 40], Gen.ULong[ulong.MaxValue - 40, ulong.MaxValue], Gen.ULong[1UL << 40, (1UL << 40) + 64]);
        Gen.Select(anyKey.Array[0, 300], anyKey.Array[1, 40]).Sample((keys, probes) =>
        {
            SyncRecord[] records = keys.Distinct().OrderBy(k => k).Select(k => new SyncRecord(k, ~k, Guid.Empty, 1)).ToArray();
            var state = new SyncState(Array.Empty<Guid>(), records, records.Length, SavedAt);
            foreach (ulong key in probes.Concat(keys))
            {
                bool held = records.Any(r => r.Key == key);
                Assert.Equal(held, state.TryFind(key, out SyncRecord found));
                Assert.Equal(held ? new SyncRecord(key, ~key, Guid.Empty, 1) : default, found);
            }
        });
    }

    [Fact]
    public void No_file_is_no_state_yet_which_is_not_an_empty_state()
    {
        using var folder = new TempFolder();
        Assert.Null(SyncStateFile.Load(folder.File("none.sync")));
        Assert.Null(SyncStateFile.Load(Path.Combine(folder.Path, "no-folder", "none.sync")));

        SyncStateFile.Save(folder.File("empty.sync"), Lists(1), Array.Empty<SyncRecord>(), SavedAt);
        Assert.Equal(0, SyncStateFile.Load(folder.File("empty.sync"))!.Count);
    }

    [Fact]
    public void The_writer_creates_a_missing_folder_and_the_file_is_owner_only_on_unix()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "exports", "nightly", "sync.state");
        SyncStateFile.Save(path, Lists(1), Records(3, 1), SavedAt);
        Assert.Equal(3, SyncStateFile.Load(path)!.Count);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_the_old_state_and_no_temporary_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("export.sync");
        SyncRecord[] old = Records(10_000, 2, seed: 7);
        SyncStateFile.Save(path, Lists(2), old, SavedAt);
        byte[] before = File.ReadAllBytes(path);

        // The source of the new records throws after 6,000 of them (more than one buffer has reached the disk).
        SyncRecord[] next = Records(20_000, 2, seed: 8);
        using (SyncStateWriter writer = SyncStateFile.Create(path, Lists(2), next.Length, SavedAt.AddDays(1)))
        {
            Assert.Throws<IOException>(() =>
            {
                foreach (SyncRecord record in Throwing(next, after: 6_000))
                {
                    writer.Add(record);
                }
            });
            Assert.Equal(6_000, writer.Count);
        }

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(old, SyncStateFile.Load(path)!.Records);
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void The_writer_refuses_unsorted_repeated_or_miscounted_records_and_keeps_the_old_state()
    {
        using var folder = new TempFolder();
        string path = folder.File("export.sync");
        SyncRecord[] old = Records(5, 1);
        SyncStateFile.Save(path, Lists(1), old, SavedAt);

        void AssertRefused(IReadOnlyCollection<SyncRecord> records, int announced, int listCount = 1)
        {
            using (SyncStateWriter writer = SyncStateFile.Create(path, Lists(listCount), announced, SavedAt))
            {
                Assert.Throws<InvalidOperationException>(() =>
                {
                    foreach (SyncRecord record in records)
                    {
                        writer.Add(record);
                    }

                    writer.Commit();
                });
            }

            Assert.Equal(old, SyncStateFile.Load(path)!.Records);
            Assert.Single(Directory.GetFiles(folder.Path));
        }

        SyncRecord a = new(1, 1, Guid.Empty, 1);
        SyncRecord b = new(2, 1, Guid.Empty, 1);
        AssertRefused(new[] { b, a }, 2);
        AssertRefused(new[] { a, a }, 2);
        AssertRefused(new[] { a, b }, 3);
        AssertRefused(new[] { a, b }, 1);
        AssertRefused(new[] { a.WithLists(0b10) }, 1);
        Assert.Throws<ArgumentException>(() => SyncStateFile.Create(path, Lists(65), 0, SavedAt));
        Assert.Throws<ArgumentException>(() => SyncStateFile.Create(path, new[] { Lists(1)[0], Lists(1)[0] }, 0, SavedAt));
    }

    [Fact]
    public void A_truncated_file_is_reported_as_damaged_never_read_as_empty()
    {
        using var folder = new TempFolder();
        string path = folder.File("export.sync");
        SyncStateFile.Save(path, Lists(2), Records(1_000, 2), SavedAt);
        byte[] whole = File.ReadAllBytes(path);

        foreach (int length in new[] { 0, 1, 7, 8, 20, 31, 32, 40, 64, 100, whole.Length / 2, whole.Length - 9, whole.Length - 8, whole.Length - 1 })
        {
            File.WriteAllBytes(path, whole.AsSpan(0, length).ToArray());
            var error = Assert.Throws<SyncStateDamagedException>(() => SyncStateFile.Load(path));
            Assert.Equal(SyncStateDamage.Truncated, error.Damage);
            Assert.Equal(path, error.Path);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }

        File.WriteAllBytes(path, whole.Concat(new byte[] { 0 }).ToArray());
        Assert.Equal(SyncStateDamage.TrailingData, Assert.Throws<SyncStateDamagedException>(() => SyncStateFile.Load(path)).Damage);
    }

    [Fact]
    public void A_file_that_is_not_a_state_or_is_from_a_newer_version_is_named_so()
    {
        using var folder = new TempFolder();
        string path = folder.File("export.sync");
        File.WriteAllText(path, "email,first_name\nada@example.com,Ada\nbob@example.com,Bob\n");
        Assert.Equal(SyncStateDamage.NotSyncState, Assert.Throws<SyncStateDamagedException>(() => SyncStateFile.Load(path)).Damage);

        SyncStateFile.Save(path, Lists(1), Records(3, 1), SavedAt);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[8] = 2;
        File.WriteAllBytes(path, bytes);
        Assert.Equal(SyncStateDamage.UnsupportedVersion, Assert.Throws<SyncStateDamagedException>(() => SyncStateFile.Load(path)).Damage);
    }

    [Fact]
    public void Any_changed_byte_is_caught()
    {
        using var folder = new TempFolder();
        string path = folder.File("export.sync");
        SyncStateFile.Save(path, Lists(3), Records(50, 3), SavedAt);
        byte[] whole = File.ReadAllBytes(path);

        // CsCheck samples on several threads: each sample damages its own copy.
        Gen.Select(Gen.Int[0, whole.Length - 1], Gen.Int[1, 255]).Sample((at, flip) =>
        {
            byte[] damaged = (byte[])whole.Clone();
            damaged[at] ^= (byte)flip;
            string copy = folder.File(Guid.NewGuid().ToString("N") + ".sync");
            File.WriteAllBytes(copy, damaged);
            Assert.Throws<SyncStateDamagedException>(() => SyncStateFile.Load(copy));
            File.Delete(copy);
        }, iter: 300);

        // A byte changed inside a record, keeping the order and the lists valid, is the checksum's to catch.
        byte[] fingerprintFlipped = (byte[])whole.Clone();
        fingerprintFlipped[32 + (3 * 16) + (10 * 36) + 9] ^= 0x40;
        File.WriteAllBytes(path, fingerprintFlipped);
        Assert.Equal(SyncStateDamage.ChecksumMismatch, Assert.Throws<SyncStateDamagedException>(() => SyncStateFile.Load(path)).Damage);
    }

    [Fact]
    public void A_million_contacts_take_36_bytes_each_on_disk_and_load_within_the_memory_budget()
    {
        using var folder = new TempFolder();
        string path = folder.File("million.sync");
        const int Count = 1_000_000;
        using (SyncStateWriter writer = SyncStateFile.Create(path, Lists(1), Count, SavedAt))
        {
            for (int i = 0; i < Count; i++)
            {
                // Spread keys; every other contact's id is known.
                writer.Add(new SyncRecord(((ulong)i * 0x9E37_79B9UL) + 5, (ulong)i, i % 2 == 0 ? new Guid(i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) : Guid.Empty, 1));
            }

            writer.Commit();
        }

        long size = new FileInfo(path).Length;
        Assert.Equal(SyncStateFile.FileSize(1, Count), size);
        Assert.True(size <= 40L * 1000 * 1000, $"{size:N0} bytes");
        Assert.True((double)size / Count <= 40, $"{(double)size / Count} bytes a contact");

        // The file is read through a small buffer into one array: about 40 MB allocated, far under 300 MB.
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        SyncState state = SyncStateFile.Load(path)!;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < 48L * 1024 * 1024, $"{allocated:N0} bytes allocated");
        Assert.Equal(Count, state.Count);
        Assert.Equal(new SyncRecord((999_998UL * 0x9E37_79B9UL) + 5, 999_998, new Guid(999_998, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 1), state[999_998]);
        Assert.False(state[999_999].HasContactId);
    }

    [Fact]
    public void Keys_compare_addresses_trimmed_and_without_regard_to_case()
    {
        Assert.Equal(SyncKey.For("ada@example.com"), SyncKey.For("  Ada@EXAMPLE.com\t"));
        Assert.NotEqual(SyncKey.For("ada@example.com"), SyncKey.For("ada@example.org"));
        Assert.Equal(SyncKey.For(new string('a', 600) + "@example.com"), SyncKey.For(new string('A', 600) + "@example.com"));
        var keys = Enumerable.Range(0, 100_000).Select(i => SyncKey.For($"p{i}@example.com")).ToHashSet();
        Assert.Equal(100_000, keys.Count);
    }

    [Fact]
    public void Fingerprints_tell_field_boundaries_and_missing_values_apart()
    {
        var fingerprint = new SyncFingerprint();
        ulong Of(params (string Name, string? Value)[] fields)
        {
            fingerprint.Reset();
            foreach (var (name, value) in fields)
            {
                fingerprint.Add(name, value);
            }

            return fingerprint.Value;
        }

        Assert.Equal(Of(("email", "a@example.com"), ("first_name", "Ada")), Of(("email", "a@example.com"), ("first_name", "Ada")));
        Assert.NotEqual(Of(("a", "bc")), Of(("ab", "c")));
        Assert.NotEqual(Of(("first_name", null)), Of(("first_name", string.Empty)));
        Assert.NotEqual(Of(("first_name", "Ada"), ("last_name", null)), Of(("first_name", "Ada")));
        Assert.NotEqual(Of(("first_name", "Ada")), Of(("first_name", "ADA")));
    }

    private static IEnumerable<SyncRecord> Throwing(IEnumerable<SyncRecord> records, int after)
    {
        int n = 0;
        foreach (SyncRecord record in records)
        {
            if (n++ == after)
            {
                throw new IOException("No space left on device (simulated).");
            }

            yield return record;
        }
    }
}
