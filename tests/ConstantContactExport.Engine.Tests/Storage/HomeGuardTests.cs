using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Storage;

/// <summary>
/// Issue #15, a hostile neighbour: the home's StrictModes (<see cref="HomeGuard"/>) and links never followed. Unix
/// only (Windows relies on the profile's ACLs). "Another user" is played by checking as another uid, so the tests
/// need no root; the Pester suite chowns for real.
/// </summary>
public sealed class HomeGuardTests
{
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Everyone = (UnixFileMode)0x1FF;

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static ConnectionInfo Connection(string name = "Prod") =>
        new(name, null, new Uri("http://127.0.0.1:9/v3"), new Uri("http://127.0.0.1:9/oauth2/default/v1"), "client-1", "ada", Now, Array.Empty<string>());

    private static string ErrorIdOf(Action action) => Assert.Throws<UnsafeHomeException>(action).ErrorId;

    /// <summary>A home one level down, with a connection, its tokens, a definition and a run: every kind of folder and file.</summary>
    private static TempHome FullHome()
    {
        var home = new TempHome();
        new ConnectionStore(home.Paths).Save(Connection());
        new TokenStore(home.Paths).Write("Prod", new TokenSet("a", "r", Now, Now.AddHours(1), null, null).BoundTo(TokenBinding.For(Connection())));
        AtomicFile.WriteAllText(Path.Combine(home.Paths.Exports, "news.json"), "{}");
        new RunStore(home.Paths).Create(new RunManifest { RunId = "20260301-120000-0000000-abcdef", ExportName = "news" });
        new ListNameCache(home.Paths).Save("Prod", new[] { "Newsletter" });
        return home;
    }

    [Fact]
    public void A_home_the_module_made_passes_and_every_folder_is_0700_every_file_0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using TempHome home = FullHome();
        HomeGuard.Check(home.Paths);
        foreach (string entry in Directory.GetFileSystemEntries(home.Path, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(Directory.Exists(entry) ? OwnerAll : OwnerReadWrite, File.GetUnixFileMode(entry));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("connections")]
    [InlineData("connections/Prod.json")]
    [InlineData("secrets/Prod.token")]
    [InlineData("runs/20260301-120000-0000000-abcdef")]
    [InlineData("runs/20260301-120000-0000000-abcdef/run.json")]
    [InlineData("locks")]
    [InlineData("cache/lists-prod.json")]
    public void Anything_group_or_others_may_write_is_refused_and_left_as_it_is(string relative)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using TempHome home = FullHome();
        Directory.CreateDirectory(home.Paths.Locks);
        string path = Path.Combine(home.Path, relative).TrimEnd('/');
        foreach (UnixFileMode extra in new[] { UnixFileMode.GroupWrite, UnixFileMode.OtherWrite })
        {
            UnixFileMode mode = (Directory.Exists(path) ? OwnerAll : OwnerReadWrite) | extra;
            File.SetUnixFileMode(path, mode);
            var error = Assert.Throws<UnsafeHomeException>(() => HomeGuard.Check(home.Paths));
            Assert.Equal(HomeErrorIds.HomeWritableByOthers, error.ErrorId);
            Assert.Equal(path, error.Path);
            Assert.Contains($"chmod go-w '{path}'", error.Message, StringComparison.Ordinal);
            Assert.Equal(mode, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData("secrets", UnixFileMode.GroupRead | UnixFileMode.GroupExecute)]
    [InlineData("secrets", UnixFileMode.OtherExecute)]
    [InlineData("secrets/Prod.token", UnixFileMode.OtherRead)]
    [InlineData("secrets/Prod.token", UnixFileMode.GroupRead)]
    public void Secrets_others_may_read_are_refused_and_left_as_they_are(string relative, UnixFileMode extra)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using TempHome home = FullHome();
        string path = Path.Combine(home.Path, relative);
        UnixFileMode mode = (Directory.Exists(path) ? OwnerAll : OwnerReadWrite) | extra;
        File.SetUnixFileMode(path, mode);
        var error = Assert.Throws<UnsafeHomeException>(() => HomeGuard.Check(home.Paths));
        Assert.Equal(HomeErrorIds.HomeSecretsReadableByOthers, error.ErrorId);
        Assert.Equal(path, error.Path);
        Assert.Contains($"chmod -R go-rwx '{path}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(mode, File.GetUnixFileMode(path));

        // Outside the secret store, what others may only read is not refused (a run's files are 0600 all the same).
        File.SetUnixFileMode(path, Directory.Exists(path) ? OwnerAll : OwnerReadWrite);
        File.SetUnixFileMode(Path.Combine(home.Paths.Connections, "Prod.json"), OwnerReadWrite | UnixFileMode.OtherRead);
        HomeGuard.Check(home.Paths);
    }

    [Fact]
    public void A_home_that_is_another_users_link_is_refused_though_its_target_is_yours()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using TempHome real = FullHome();
        using var outer = new TempHome();
        string link = Path.Combine(outer.Path, "home");
        File.CreateSymbolicLink(link, real.Path);
        uint me = UnixFileSystem.EffectiveUserId;

        // The user's own link (a dotfiles ~/.config) is followed to its real folder, which passes.
        HomeGuard.Check(new StoragePaths(link));

        // Seen as another user (the link is then not theirs, nor root's, unless they are root), it is refused.
        if (me != 0)
        {
            return;
        }

        int chowned = Lchown(link, 4242, 4242);
        Assert.Equal(0, chowned);
        var error = Assert.Throws<UnsafeHomeException>(() => HomeGuard.Check(new StoragePaths(link)));
        Assert.Equal(HomeErrorIds.HomeOwnedByOtherUser, error.ErrorId);
        Assert.Equal(link, error.Path);
        Assert.Contains("symbolic link that belongs to user id 4242", error.Message, StringComparison.Ordinal);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int Lchown(string path, int owner, int group);

    [Fact]
    public void A_home_or_file_of_another_user_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using TempHome home = FullHome();
        uint me = UnixFileSystem.EffectiveUserId;
        var error = Assert.Throws<UnsafeHomeException>(() => HomeGuard.Check(home.Paths, me + 1));
        Assert.Equal(HomeErrorIds.HomeOwnedByOtherUser, error.ErrorId);
        Assert.Equal(home.Path, error.Path);
        Assert.Contains($"user id {me}, not to you (user id {me + 1})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_above_the_home_that_others_may_write_is_refused_unless_it_is_sticky()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var outer = new TempHome();
        var paths = new StoragePaths(Path.Combine(outer.Path, "home"));
        File.SetUnixFileMode(outer.Path, Everyone);
        Assert.Equal(HomeErrorIds.HomeWritableByOthers, ErrorIdOf(() => HomeGuard.Check(paths)));

        // Like /tmp: others may add entries but not rename or delete this user's.
        File.SetUnixFileMode(outer.Path, Everyone | UnixFileMode.StickyBit);
        HomeGuard.Check(paths);
        new ConnectionStore(paths).Save(Connection());
        HomeGuard.Check(paths);
    }

    [Theory]
    [InlineData("secrets")]
    [InlineData("runs")]
    [InlineData("connections")]
    [InlineData("locks")]
    public void A_link_planted_for_a_folder_is_refused_and_its_target_is_not_touched(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        using var elsewhere = new TempHome();
        File.SetUnixFileMode(elsewhere.Path, OwnerAll | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.CreateSymbolicLink(Path.Combine(home.Path, folder), elsewhere.Path);

        Assert.Equal(HomeErrorIds.HomeSymbolicLink, ErrorIdOf(() => HomeGuard.Check(home.Paths)));

        // What writes there refuses the link too, before any chmod or file through it.
        Action write = folder switch
        {
            "secrets" => () => new TokenStore(home.Paths).Write("Prod", new TokenSet("a", "r", Now, Now.AddHours(1), null, null)),
            "runs" => () => new RunStore(home.Paths).Create(new RunManifest { RunId = "20260301-120000-0000000-abcdef", ExportName = "news" }),
            "connections" => () => new ConnectionStore(home.Paths).Save(Connection()),
            _ => () => CrossProcessLock.AcquireAsync(ConnectionSession.LockPathFor(home.Paths, "Prod"), TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult().Dispose(),
        };
        Assert.Equal(HomeErrorIds.HomeSymbolicLink, ErrorIdOf(write));
        Assert.Equal(HomeErrorIds.HomeSymbolicLink, ErrorIdOf(() => PrivateFiles.CreateFolder(Path.Combine(home.Path, folder))));
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere.Path));
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(elsewhere.Path));
    }

    [Fact]
    public void A_link_planted_for_a_file_is_refused_and_its_target_is_not_touched()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using TempHome home = FullHome();
        using var elsewhere = new TempHome();
        string target = Path.Combine(elsewhere.Path, "target.txt");
        File.WriteAllText(target, "theirs");
        File.SetUnixFileMode(target, (UnixFileMode)0x1A4);
        string link = Path.Combine(home.Paths.Runs, "20260301-120000-0000000-abcdef", "journal.jsonl");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(HomeErrorIds.HomeSymbolicLink, ErrorIdOf(() => HomeGuard.Check(home.Paths)));
        Assert.Equal("theirs", File.ReadAllText(target));
        Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(target));
    }

    [Fact]
    public async Task A_lock_file_that_is_a_link_is_refused_not_opened()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        using var elsewhere = new TempHome();
        string target = Path.Combine(elsewhere.Path, "target.txt");
        File.WriteAllText(target, "theirs");
        PrivateFiles.CreateFolder(home.Paths.Locks);
        string path = ConnectionSession.LockPathFor(home.Paths, "Prod");
        File.CreateSymbolicLink(path, target);

        var error = await Assert.ThrowsAsync<UnsafeHomeException>(() => CrossProcessLock.AcquireAsync(path, TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None));
        Assert.Equal(HomeErrorIds.HomeSymbolicLink, error.ErrorId);
        Assert.Equal("theirs", File.ReadAllText(target));
    }

    [Fact]
    public void A_file_where_a_folder_belongs_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        File.WriteAllText(home.Paths.Secrets, "not a folder");
        Assert.Equal(HomeErrorIds.HomeEntryWrongType, ErrorIdOf(() => HomeGuard.Check(home.Paths)));
    }

    [Fact]
    public void A_home_that_does_not_exist_yet_passes_and_is_made_0700()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var outer = new TempHome();
        var paths = new StoragePaths(Path.Combine(outer.Path, "a", "home"));
        HomeGuard.Check(paths);
        new ConnectionStore(paths).Save(Connection());
        Assert.Equal(OwnerAll, File.GetUnixFileMode(paths.Root));
        Assert.Equal(OwnerAll, File.GetUnixFileMode(paths.Connections));
        HomeGuard.Check(paths);
    }
}
