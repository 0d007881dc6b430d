using System.Diagnostics;
using ConstantContact.Sandbox.Tests.Support;

namespace ConstantContact.Sandbox.Tests;

/// <summary>
/// How fast the sandbox takes a large import: opt-in (CCE_SPEED_TESTS=1), and alone in its collection so that
/// the other tests do not share the machine with the clock.
/// </summary>
[Collection(nameof(ImportSpeedTests))]
public sealed class ImportSpeedTests
{
    [SpeedFact]
    public async Task Forty_thousand_contacts_are_processed_in_well_under_a_few_seconds()
    {
        var watch = Stopwatch.StartNew();
        await ImportTests.ImportFortyThousandAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"40,000 contacts took {watch.Elapsed}.");
    }
}

[CollectionDefinition(nameof(ImportSpeedTests), DisableParallelization = true)]
public sealed class ImportSpeedCollection
{
}
