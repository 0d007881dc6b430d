using System.Collections.Generic;
using System.Linq;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sync;
using CsCheck;
using Xunit;

namespace ConstantContactExport.Engine.Tests.Runs;

public class RunSyncRecorderTests
{
    [Fact]
    public void The_confirmed_contacts_come_out_in_key_order_without_the_keys_two_of_them_share()
    {
        // Spread like hashes, bunched under one prefix (more than a bucket sorts by insertion), and sharing keys.
        Gen<ulong> anyKey = Gen.OneOf(Gen.ULong, Gen.ULong[0, 90], Gen.ULong[(1UL << 48) - 20, (1UL << 48) + 20], Gen.ULong[ulong.MaxValue - 5, ulong.MaxValue]);
        Gen.Select(anyKey, Gen.ULong, Gen.ULong[1, 3]).Array[0, 400].Sample(drawn =>
        {
            var entries = drawn.Select(d => new RunSyncRecorder.Confirmed(new SyncKeyEntry(d.Item1, d.Item2), d.Item3)).ToList();
            var expected = entries.GroupBy(e => e.Key).Where(g => g.Count() == 1).Select(g => g.Single()).OrderBy(e => e.Key)
                .Select(e => (e.Key, e.Fingerprint, e.Lists)).ToList();

            List<RunSyncRecorder.Confirmed> distinct = RunSyncRecorder.Distinct(entries);

            Assert.Equal(expected, distinct.Select(e => (e.Key, e.Fingerprint, e.Lists)).ToList());
        });
    }
}
