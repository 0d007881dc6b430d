using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// Owner-only files and folders on Linux and macOS. This assembly targets netstandard2.0, but on those systems
/// it only ever runs on PowerShell 7.4+ (.NET 8+), whose BCL creates a file with open(2)
/// O_CREAT|O_EXCL and the mode given, and a folder with mkdir(2) and the mode given, through the runtime's own
/// native shim. Reaching those members by reflection gets exactly that without a P/Invoke to a variadic
/// open(2), whose calling convention differs on Apple silicon. The umask can only narrow these modes.
/// </summary>
internal static class UnixFileSystem
{
    /// <summary>rw------- (0600).</summary>
    public const int OwnerReadWrite = 0x180;

    /// <summary>rwx------ (0700).</summary>
    public const int OwnerAll = 0x1C0;

    private static readonly Type? UnixFileModeType = Type.GetType("System.IO.UnixFileMode");
    private static readonly Type? FileStreamOptionsType = Type.GetType("System.IO.FileStreamOptions");

    /// <summary>
    /// Creates the folder (missing parents included) with the mode, or checks an existing one with
    /// <see cref="HomeGuard.CheckEntry"/> (a link, another user's folder or one others may write is refused, never
    /// changed) and narrows it to the mode when others may still read it.
    /// </summary>
    public static void CreatePrivateDirectory(string path, int mode)
    {
        if (LStat(path) is null)
        {
            // Missing parents too get the mode (Directory.CreateDirectory would give them the umask's).
            string? parent = Path.GetDirectoryName(path);
            if (parent is not null && LStat(parent) is null)
            {
                CreatePrivateDirectory(parent, mode);
            }

            MethodInfo create = typeof(Directory).GetMethod(nameof(Directory.CreateDirectory), new[] { typeof(string), RequireType(UnixFileModeType) })
                ?? throw Unsupported();
            Invoke(create, null, path, Mode(mode));
        }

        // Checked from lstat(2), so a link is refused before anything is done through it.
        FileStatus status = HomeGuard.CheckEntry(path, folder: true);
        if (status.OpenToOthers)
        {
            // Ours, a real folder, written by nobody else, but readable by others (made by an older version): narrow it.
            SetMode(path, mode);
        }
    }

    /// <summary>The status of the path itself (lstat(2): a link is not followed), or null when nothing is there.</summary>
    public static FileStatus? LStat(string path) => StatCore(path, follow: false);

    /// <summary>The status of what the path names (stat(2): links followed), or null when nothing is there.</summary>
    public static FileStatus? Stat(string path) => StatCore(path, follow: true);

    /// <summary>The process's effective user id: the owner of what it creates.</summary>
    public static uint EffectiveUserId => NativeGetEUid();

    /// <summary>The path with every link resolved (realpath(3)); null when some part of it does not exist.</summary>
    public static string? RealPath(string path)
    {
        IntPtr result = NativeRealPath(NullTerminated(path));
        if (result == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringAnsi(result);
        }
        finally
        {
            NativeFree(result);
        }
    }

    private static FileStatus? StatCore(string path, bool follow)
    {
        // The runtime's FileStatus: Flags, Mode, Uid, Gid first (unchanged since .NET Core 1.0), then sizes and
        // times that grew over versions; a generous buffer holds any of them.
        var buffer = new byte[512];
        byte[] name = NullTerminated(path);
        int result = follow ? NativeStat(name, buffer) : NativeLStat(name, buffer);
        if (result != 0)
        {
            int errno = Marshal.GetLastWin32Error();
            if (errno is ENOENT or ENOTDIR)
            {
                return null;
            }

            throw new IOException($"Could not read the status of '{path}' (errno {errno}).");
        }

        return new FileStatus(BitConverter.ToInt32(buffer, 4), BitConverter.ToUInt32(buffer, 8));
    }

    private static byte[] NullTerminated(string path)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, 0, path.Length, bytes, 0);
        return bytes;
    }

    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const string SystemNative = "libSystem.Native";

    // The runtime's own native shim (shipped with every .NET on Linux and macOS): its structures are the same
    // on every Unix and architecture, unlike libc's struct stat.
    [DllImport(SystemNative, EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int NativeLStat(byte[] path, [Out] byte[] status);

    [DllImport(SystemNative, EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int NativeStat(byte[] path, [Out] byte[] status);

    [DllImport(SystemNative, EntryPoint = "SystemNative_GetEUid")]
    private static extern uint NativeGetEUid();

    [DllImport(SystemNative, EntryPoint = "SystemNative_RealPath", SetLastError = true)]
    private static extern IntPtr NativeRealPath(byte[] path);

    [DllImport(SystemNative, EntryPoint = "SystemNative_Free")]
    private static extern void NativeFree(IntPtr pointer);

    /// <summary>Opens a new file for writing, created by open(2) with O_CREAT|O_EXCL and the mode; fails if it exists.</summary>
    public static FileStream CreateNew(string path, int mode) => Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, mode);

    /// <summary>Opens a file; one that the open creates gets <paramref name="mode"/> from its first moment.</summary>
    public static FileStream Open(string path, FileMode fileMode, FileAccess access, FileShare share, int mode, int bufferSize = 4096)
    {
        Type optionsType = RequireType(FileStreamOptionsType);
        object options = Activator.CreateInstance(optionsType)!;
        SetProperty(optionsType, options, "Mode", fileMode);
        SetProperty(optionsType, options, "Access", access);
        SetProperty(optionsType, options, "Share", share);
        SetProperty(optionsType, options, "UnixCreateMode", Mode(mode));
        SetProperty(optionsType, options, "BufferSize", bufferSize);
        ConstructorInfo constructor = typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType }) ?? throw Unsupported();
        try
        {
            return (FileStream)constructor.Invoke(new[] { path, options });
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw Rethrow(ex.InnerException);
        }
    }

    /// <summary>The permission bits of a file or folder (File.GetUnixFileMode).</summary>
    public static int GetMode(string path)
    {
        MethodInfo get = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) }) ?? throw Unsupported();
        return Convert.ToInt32(Invoke(get, null, path), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static void SetMode(string path, int mode)
    {
        MethodInfo set = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), RequireType(UnixFileModeType) }) ?? throw Unsupported();
        Invoke(set, null, path, Mode(mode));
    }

    private static object Mode(int mode) => Enum.ToObject(RequireType(UnixFileModeType), mode);

    private static void SetProperty(Type type, object target, string name, object value) =>
        (type.GetProperty(name) ?? throw Unsupported()).SetValue(target, value);

    private static object? Invoke(MethodInfo method, object? target, params object[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw Rethrow(ex.InnerException);
        }
    }

    private static Exception Rethrow(Exception inner)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        return inner;
    }

    private static Type RequireType(Type? type) => type ?? throw Unsupported();

    private static PlatformNotSupportedException Unsupported() =>
        new("Owner-only files need .NET 7 or later on this system: run the module on PowerShell 7.4 or later.");
}

/// <summary>What lstat(2) or stat(2) says of a path: its type, permission bits and owner.</summary>
internal readonly struct FileStatus
{
    private const int TypeMask = 0xF000;

    public FileStatus(int mode, uint ownerId)
    {
        Mode = mode;
        OwnerId = ownerId;
    }

    /// <summary>st_mode: the type bits and the permission bits.</summary>
    public int Mode { get; }

    public uint OwnerId { get; }

    /// <summary>The permission bits, set-id and sticky bits included (07777).</summary>
    public int Permissions => Mode & 0xFFF;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    public bool IsRegularFile => (Mode & TypeMask) == 0x8000;

    public bool IsLink => (Mode & TypeMask) == 0xA000;

    /// <summary>Group or others may read, write or enter it (077).</summary>
    public bool OpenToOthers => (Mode & 0x3F) != 0;

    /// <summary>Group or others may write (022).</summary>
    public bool WritableByOthers => (Mode & 0x12) != 0;

    /// <summary>The sticky bit (01000): in a folder, only an entry's owner may rename or delete it.</summary>
    public bool IsSticky => (Mode & 0x200) != 0;
}
