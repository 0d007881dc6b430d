using ConstantContactExport.Engine.Mapping;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Staging;

namespace ConstantContactExport.Engine.Tests.Staging;

public sealed class ExportStagingTests
{
    private static readonly string[] ListIds = { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a" };

    private static readonly ExportMapping Mapping = new("Email", segmentField: "Segment", segments: new[] { "VIP" });

    [Fact]
    public void Once_a_MiB_is_read_the_rest_of_the_input_is_estimated_and_the_duplicate_check_sized_for_it_once()
    {
        using var folder = new TempFolder();
        using var staging = new ExportStaging(Mapping, ListIds, folder.Path);
        ProfileRecord record = staging.NewRecord();
        for (int i = 0; i < 10_000; i++)
        {
            Add(staging, record, i);

            // 80 bytes a row of a 100 MB file: the first MiB is read at row 13,108, after this loop.
            staging.NoteBytesRead((i + 1) * 80L, 100_000_000);
        }

        // Not sized yet: grown as 10,000 addresses need (350 KB), no more.
        Assert.True(staging.Pipeline.DuplicateTableBytes < 1_000_000, $"{staging.Pipeline.DuplicateTableBytes} bytes");
        for (int i = 10_000; i < 20_000; i++)
        {
            Add(staging, record, i);
            staging.NoteBytesRead((i + 1) * 80L, 100_000_000);
        }

        // Sized once, at row 13,108: 98,951,360 bytes to come at 80 a row is 1,236,892 more profiles, all of which
        // reach the duplicate check so far: 1,250,000 addresses at three quarters full, 16 bytes a slot.
        long sized = staging.Pipeline.DuplicateTableBytes;
        Assert.InRange(sized, 1_250_000 * 16L * 4 / 3, (1_250_000 * 16L * 4 / 3) + 80);

        staging.NoteBytesRead(50_000_000, 100_000_000);
        Assert.Equal(sized, staging.Pipeline.DuplicateTableBytes);
        Assert.Equal(20_000, staging.Complete().Ledger.SubmittedCount);
    }

    private static void Add(ExportStaging staging, ProfileRecord record, int i)
    {
        record.Reset();
        record.RecordNumber = i + 1;
        record.Values[Mapping.EmailIndex] = SourceValue.FromText($"person{i}@example.com");
        record.Values[Mapping.SegmentIndex] = SourceValue.FromText("VIP");
        Assert.Equal(ProfileOutcome.Submitted, staging.Add(record, out _));
    }
}
