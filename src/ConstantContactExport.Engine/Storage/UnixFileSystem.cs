using System;
using System.IO;
using System.Reflection;

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

    private const int GroupAndOthers = 0x3F;

    private static readonly Type? UnixFileModeType = Type.GetType("System.IO.UnixFileMode");
    private static readonly Type? FileStreamOptionsType = Type.GetType("System.IO.FileStreamOptions");

    /// <summary>Creates the folder (parents included) with the mode, or narrows an existing one to it.</summary>
    public static void CreatePrivateDirectory(string path, int mode)
    {
        if (Directory.Exists(path))
        {
            if ((GetMode(path) & GroupAndOthers) != 0)
            {
                // A folder left readable by others (made by hand, or by an older tool): narrow it, never widen.
                SetMode(path, mode);
            }

            return;
        }

        MethodInfo create = typeof(Directory).GetMethod(nameof(Directory.CreateDirectory), new[] { typeof(string), RequireType(UnixFileModeType) })
            ?? throw Unsupported();
        Invoke(create, null, path, Mode(mode));
    }

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
