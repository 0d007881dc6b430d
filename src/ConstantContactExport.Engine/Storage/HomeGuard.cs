using System;
using System.Collections.Generic;
using System.IO;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// The home's StrictModes (after ssh's): on Linux and macOS the home, and every folder and file in the folders the
/// module reads or writes (connections, secrets, exports, runs, locks, cache), must be the user's own (owner = the
/// effective user id), written by nobody else (no group or other write bit), and a real folder or file, never a
/// symbolic link. The folders above the home must be the user's or root's, and not writable by others unless
/// sticky (/tmp). A command checks this before it reads, writes or sends anything (<see cref="Open"/>): when it
/// holds, no other user can have planted anything in the home, nor change it while the command runs, so what is
/// read afterwards is what this user wrote. Nothing is changed to make it hold: the error says what to run.
/// On Windows the profile's ACLs and DPAPI protect the home, and nothing here applies.
/// </summary>
public static class HomeGuard
{
    /// <summary>The folders under the home that the module reads or writes, by name.</summary>
    public static readonly IReadOnlyList<string> Folders = new[] { "connections", "secrets", "exports", "runs", "locks", "cache" };

    /// <summary>The home as the environment names it, checked (<see cref="Check(StoragePaths)"/>): what every command uses.</summary>
    public static StoragePaths Open()
    {
        StoragePaths paths = StoragePaths.FromEnvironment();
        Check(paths);
        return paths;
    }

    /// <summary>Checks the home, the folders above it and everything in its folders; an <see cref="UnsafeHomeException"/> names the first problem.</summary>
    public static void Check(StoragePaths paths)
    {
        if (!AtomicFile.IsWindows)
        {
            Check(paths, UnixFileSystem.EffectiveUserId);
        }
    }

    /// <summary>The check as user <paramref name="me"/> would see it (tests play another user with it, without root).</summary>
    internal static void Check(StoragePaths paths, uint me)
    {
        if (paths is null)
        {
            throw new ArgumentNullException(nameof(paths));
        }

        CheckAbove(paths.Root, me);
        if (UnixFileSystem.LStat(paths.Root) is null)
        {
            return;
        }

        // The home may be reached through a link of the user's or root's (a dotfiles ~/.config): its real folder is
        // checked. Another user's link could be pointed elsewhere at any moment, between two files of one command.
        if (UnixFileSystem.LStat(paths.Root) is { IsLink: true } link && link.OwnerId != 0 && link.OwnerId != me)
        {
            throw new UnsafeHomeException(HomeErrorIds.HomeOwnedByOtherUser, paths.Root,
                $"The module's home '{paths.Root}' is a symbolic link that belongs to user id {link.OwnerId}, neither you (user id {me}) nor root: "
                + "that user can point it at a home of their own at any moment. Nothing was read, written or sent. "
                + "Set CC_EXPORT_HOME to the real folder, or to a folder that only you (or root) own.");
        }

        string home = UnixFileSystem.RealPath(paths.Root) ?? paths.Root;
        if (home != paths.Root)
        {
            CheckAbove(home, me);
        }

        Verify(home, UnixFileSystem.LStat(home) ?? throw new DirectoryNotFoundException(home), folder: true, me);
        foreach (string name in Folders)
        {
            CheckTree(Path.Combine(home, name), folder: true, me, secret: name == "secrets");
        }
    }

    /// <summary>
    /// Checks one folder or file of the home by lstat(2) (a link is refused, not followed) and returns its status;
    /// <see cref="UnsafeHomeException"/> when it is a link, another user's, writable by others, or of the wrong type.
    /// </summary>
    internal static FileStatus CheckEntry(string path, bool folder)
    {
        FileStatus status = UnixFileSystem.LStat(path) ?? throw new FileNotFoundException($"'{path}' does not exist.", path);
        Verify(path, status, folder, UnixFileSystem.EffectiveUserId);
        return status;
    }

    private static void CheckTree(string path, bool? folder, uint me, bool secret)
    {
        FileStatus? status = UnixFileSystem.LStat(path);
        if (status is null)
        {
            // Not there (yet), or removed by this user's other process meanwhile.
            return;
        }

        Verify(path, status.Value, folder, me);
        if (secret && status.Value.OpenToOthers)
        {
            // As ssh refuses a private key others can read: the tokens may have been read already, so say it, not hide it.
            throw new UnsafeHomeException(HomeErrorIds.HomeSecretsReadableByOthers, path,
                $"'{path}' holds connection tokens and other users may open it (mode {Octal(status.Value.Permissions)}); the module makes it owner-only "
                + "(0700 folders, 0600 files), so something else changed it. Nothing was read, written or sent. Run chmod -R go-rwx "
                + $"'{path}', and, if another user could have read the tokens, sign in again (New-CCConnection -Force) to replace them.");
        }

        if (!status.Value.IsDirectory)
        {
            return;
        }

        IEnumerable<string> entries;
        try
        {
            entries = Directory.GetFileSystemEntries(path);
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        foreach (string entry in entries)
        {
            CheckTree(entry, folder: null, me, secret);
        }
    }

    private static void Verify(string path, FileStatus status, bool? folder, uint me)
    {
        string what = folder switch { true => "folder", false => "file", null => status.IsDirectory ? "folder" : "file" };
        if (status.IsLink)
        {
            throw new UnsafeHomeException(HomeErrorIds.HomeSymbolicLink, path,
                $"'{path}' is a symbolic link where the module keeps a {what} of its own. Links in the home are never followed: one planted there "
                + "would make the module read a file it did not write, or write secrets and personal data where someone else can read them. "
                + $"Nothing was read, written or sent. Remove the link (rm '{path}'); its target is left as it is.");
        }

        bool typeOk = folder switch { true => status.IsDirectory, false => status.IsRegularFile, null => status.IsDirectory || status.IsRegularFile };
        if (!typeOk)
        {
            throw new UnsafeHomeException(HomeErrorIds.HomeEntryWrongType, path,
                $"'{path}' is not a {(folder == false ? "regular file" : folder == true ? "folder" : "folder or a regular file")}, where the module keeps a {what} of its own. "
                + $"Nothing was read, written or sent. Move it out of the way (mv '{path}' '{path}.old').");
        }

        if (status.OwnerId != me)
        {
            throw new UnsafeHomeException(HomeErrorIds.HomeOwnedByOtherUser, path,
                $"'{path}' belongs to user id {status.OwnerId}, not to you (user id {me}): another user can have made it to plant what the module reads "
                + "(a connection file that sends your token to them, say) or to read what it writes. Nothing was read, written or sent. "
                + $"Check what it holds; then remove it (rm -r '{path}'), or, if it is yours, take it back (as root: chown -R {me} '{path}').");
        }

        if (status.WritableByOthers)
        {
            throw new UnsafeHomeException(HomeErrorIds.HomeWritableByOthers, path,
                $"'{path}' may be written by other users (mode {Octal(status.Permissions)}): any of them could have planted or changed what the module "
                + "reads there (a connection file that sends your token to them, say). Nothing was read, written or sent. "
                + $"Check what it holds, then run: chmod go-w '{path}'");
        }
    }

    /// <summary>
    /// The folders above the home (as named, and each link on the way): root's or the user's, and not writable by others
    /// unless sticky, so that nobody else can rename the home away and put their own in its place.
    /// </summary>
    private static void CheckAbove(string home, uint me)
    {
        string full = Path.GetFullPath(home);
        string? parent = Path.GetDirectoryName(full);
        var above = new List<string>();
        for (string? folder = parent; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            above.Insert(0, folder);
        }

        foreach (string folder in above)
        {
            FileStatus? link = UnixFileSystem.LStat(folder);
            if (link is null)
            {
                return;
            }

            if (link.Value.IsLink && link.Value.OwnerId != 0 && link.Value.OwnerId != me)
            {
                throw AboveOwnedByOther(folder, full, link.Value.OwnerId, me);
            }

            FileStatus? status = link.Value.IsLink ? UnixFileSystem.Stat(folder) : link;
            if (status is null)
            {
                return;
            }

            if (status.Value.OwnerId != 0 && status.Value.OwnerId != me)
            {
                throw AboveOwnedByOther(folder, full, status.Value.OwnerId, me);
            }

            if (status.Value.IsDirectory && status.Value.WritableByOthers && !status.Value.IsSticky)
            {
                throw new UnsafeHomeException(HomeErrorIds.HomeWritableByOthers, folder,
                    $"The folder '{folder}', above the module's home '{full}', may be written by other users (mode {Octal(status.Value.Permissions)}): "
                    + "any of them could put a home of their own in place of yours. Nothing was read, written or sent. "
                    + $"Run chmod go-w '{folder}' (or chmod +t for a shared folder such as /tmp), or set CC_EXPORT_HOME to a folder under one only you can write.");
            }
        }
    }

    private static UnsafeHomeException AboveOwnedByOther(string folder, string home, uint owner, uint me) =>
        new(HomeErrorIds.HomeOwnedByOtherUser, folder,
            $"The folder '{folder}', above the module's home '{home}', belongs to user id {owner}, neither you (user id {me}) nor root: "
            + "that user could put a home of their own in place of yours. Nothing was read, written or sent. "
            + "Set CC_EXPORT_HOME to a folder under one that only you (or root) own.");

    private static string Octal(int permissions) => "0" + Convert.ToString(permissions, 8).PadLeft(3, '0');
}

/// <summary>The stable ErrorIds of a home that fails <see cref="HomeGuard"/>.</summary>
public static class HomeErrorIds
{
    /// <summary>The home, a folder above it, or a folder or file in it may be written by group or others.</summary>
    public const string HomeWritableByOthers = "HomeWritableByOthers";

    /// <summary>The home, or a folder or file in it, belongs to another user (or a folder above it, to neither the user nor root).</summary>
    public const string HomeOwnedByOtherUser = "HomeOwnedByOtherUser";

    /// <summary>A symbolic link where the module keeps a folder or file of its own.</summary>
    public const string HomeSymbolicLink = "HomeSymbolicLink";

    /// <summary>Something else (a fifo, a device, a file where a folder should be) where the module keeps a folder or file.</summary>
    public const string HomeEntryWrongType = "HomeEntryWrongType";

    /// <summary>The secret store, or a file in it, may be read by other users.</summary>
    public const string HomeSecretsReadableByOthers = "HomeSecretsReadableByOthers";
}

/// <summary>The home fails <see cref="HomeGuard"/>: nothing was read, written or sent. The message says what to run.</summary>
public sealed class UnsafeHomeException : Exception
{
    public UnsafeHomeException(string errorId, string path, string message)
        : base(message)
    {
        ErrorId = errorId;
        Path = path;
    }

    public string ErrorId { get; }

    public string Path { get; }
}
