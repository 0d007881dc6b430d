using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Storage;

public sealed class TokenStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static TokenSet Tokens(string suffix, string? secret = null) =>
        new("access-" + suffix, "refresh-" + suffix, Now, Now.AddHours(24), "contact_data offline_access", secret);

    [Fact]
    public void Round_trips_every_member()
    {
        using var home = new TempHome();
        var store = new TokenStore(home.Paths);
        store.Write("Prod", Tokens("a", secret: "s3cret"));

        TokenSet read = store.Read("Prod")!;
        Assert.Equal("access-a", read.AccessToken);
        Assert.Equal("refresh-a", read.RefreshToken);
        Assert.Equal(Now, read.IssuedOn);
        Assert.Equal(Now.AddHours(24), read.ExpiresOn);
        Assert.Equal("contact_data offline_access", read.Scope);
        Assert.Equal("s3cret", read.ClientSecret);
        Assert.Null(store.Read("Other"));
    }

    [Fact]
    public void Creates_the_file_0600_in_a_folder_0700()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        var store = new TokenStore(home.Paths);
        store.Write("Prod", Tokens("a"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home.Paths.Secrets));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathFor("Prod")));

        // A replacement is a new file: it must be 0600 too, not inherit anything wider.
        store.Write("Prod", Tokens("b"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PathFor("Prod")));
    }

    [Fact]
    public void Narrows_a_secrets_folder_that_others_can_read()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        Directory.CreateDirectory(home.Paths.Secrets);
        File.SetUnixFileMode(home.Paths.Secrets, (UnixFileMode)0x1ED); // 0755
        new TokenStore(home.Paths).Write("Prod", Tokens("a"));

        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(home.Paths.Secrets));
    }

    [Fact]
    public void New_private_files_are_0600_from_creation_and_never_replace_an_existing_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        string path = Path.Combine(home.Path, "new.tmp");
        using (FileStream stream = UnixFileSystem.CreateNew(path, UnixFileSystem.OwnerReadWrite))
        {
            // Checked while still open and empty: there is no moment with a wider mode.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Throws<IOException>(() => UnixFileSystem.CreateNew(path, UnixFileSystem.OwnerReadWrite));
    }

    [Fact]
    public void Replaces_atomically_and_leaves_no_temporary_file()
    {
        using var home = new TempHome();
        var store = new TokenStore(home.Paths);
        store.Write("Prod", Tokens("a"));
        store.Write("Prod", Tokens("b"));

        Assert.Equal("access-b", store.Read("Prod")!.AccessToken);
        Assert.Equal(new[] { "Prod.token" }, Directory.GetFiles(home.Paths.Secrets).Select(Path.GetFileName).ToArray());
    }

    [Fact]
    public async Task A_reader_never_sees_a_partial_file_while_another_thread_replaces_it()
    {
        using var home = new TempHome();
        var store = new TokenStore(home.Paths);
        store.Write("Prod", Tokens("0"));
        var written = new HashSet<string> { "access-0" };
        for (int i = 1; i <= 200; i++)
        {
            written.Add("access-" + i);
        }

        using var done = new CancellationTokenSource();
        // The writer starts once the reader is reading, however the machine schedules the two threads.
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task writer = Task.Run(async () =>
        {
            await reading.Task;
            for (int i = 1; i <= 200; i++)
            {
                store.Write("Prod", Tokens(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            done.Cancel();
        });

        int reads = 0;
        while (!done.IsCancellationRequested)
        {
            TokenSet? read = store.Read("Prod");
            Assert.NotNull(read);
            Assert.Contains(read!.AccessToken, written);
            Assert.Equal(read.AccessToken.Replace("access-", "refresh-", StringComparison.Ordinal), read.RefreshToken);
            reads++;
            reading.TrySetResult();
        }

        await writer;
        Assert.True(reads > 0);
        Assert.Equal("access-200", store.Read("Prod")!.AccessToken);
    }

    [Fact]
    public void A_damaged_file_is_reported_without_its_content()
    {
        using var home = new TempHome();
        var store = new TokenStore(home.Paths);
        store.Write("Prod", Tokens("a"));
        if (!OperatingSystem.IsWindows())
        {
            File.WriteAllText(store.PathFor("Prod"), "{\"access_token\":\"leaked-access-token\"");
            var error = Assert.Throws<InvalidDataException>(() => store.Read("Prod"));
            Assert.DoesNotContain("leaked-access-token", error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Delete_removes_the_secret()
    {
        using var home = new TempHome();
        var store = new TokenStore(home.Paths);
        store.Write("Prod", Tokens("a"));

        Assert.True(store.Delete("Prod"));
        Assert.False(store.Delete("Prod"));
        Assert.Null(store.Read("Prod"));
    }

    [Fact]
    public void Refuses_names_that_are_not_file_names()
    {
        using var home = new TempHome();
        Assert.Throws<ArgumentException>(() => new TokenStore(home.Paths).PathFor("../escape"));
    }

    [Fact]
    public void Token_sets_show_no_secret_in_ToString()
    {
        string text = Tokens("a", secret: "s3cret").ToString();
        Assert.DoesNotContain("access-a", text, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh-a", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
    }
}
