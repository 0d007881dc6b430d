using System;
using System.IO;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Tests.Storage;

public sealed class AtomicFileReservationTests
{
    [Fact]
    public void A_reservation_holds_its_room_until_committed_then_the_file_is_exactly_the_content()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "x.token");
        File.WriteAllText(path, "old");
        using (AtomicFile.Reservation reservation = AtomicFile.Reserve(path, 65536))
        {
            string reserved = Assert.Single(Directory.GetFiles(temp.Path, "*.tmp"));
            Assert.Equal(65536, new FileInfo(reserved).Length);
            Assert.Equal("old", File.ReadAllText(path));
            reservation.Commit(System.Text.Encoding.UTF8.GetBytes("new"));
        }

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void A_reservation_disposed_without_a_commit_gives_its_room_back_and_changes_nothing()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "x.token");
        File.WriteAllText(path, "old");
        using (AtomicFile.Reserve(path, 4096))
        {
        }

        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));
        Assert.Equal("old", File.ReadAllText(path));
    }
}
