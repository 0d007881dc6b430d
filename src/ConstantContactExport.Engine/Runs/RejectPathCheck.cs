using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ConstantContactExport.Engine.Staging;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// Whether a -RejectPath may be written, checked before a run exists: the report replaces the file there, so it must
/// not be an input file, nor a file of the user's that is not an older reject report, nor a folder, a link or a path
/// whose folder does not exist. The ErrorIds are stable.
/// </summary>
internal static class RejectPathCheck
{
    public const string RejectPathInvalid = nameof(RejectPathInvalid);
    public const string RejectPathIsInput = nameof(RejectPathIsInput);
    public const string RejectPathNotReport = nameof(RejectPathNotReport);
    public const string RejectPathUnsafe = nameof(RejectPathUnsafe);

    /// <param name="rejectPath">The -RejectPath given.</param>
    /// <param name="inputFiles">The run's input files (none for piped input).</param>
    /// <exception cref="ExportRunException">The path cannot take the reject report.</exception>
    public static void Check(string rejectPath, IReadOnlyList<string> inputFiles)
    {
        string full;
        try
        {
            full = Path.GetFullPath(rejectPath);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Invalid($"-RejectPath '{rejectPath}' is not a valid file path: {ex.Message}", ex);
        }

        try
        {
            PrivateFiles.CheckNotLink(full);
        }
        catch (UnsafeFileException ex)
        {
            throw new ExportRunException(RejectPathUnsafe, RunErrorKind.SecurityError, ex.Message, ex);
        }

        if (Directory.Exists(full))
        {
            throw Invalid($"-RejectPath '{full}' is a folder. Give the path of a file for the reject report, for example '{Path.Combine(full, "rejects.csv")}'.");
        }

        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
        {
            throw Invalid($"The folder of -RejectPath '{full}' does not exist. Create it first, or give a path in a folder that exists.");
        }

        StringComparison comparison = AtomicFile.IsWindows || IsMacOs ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (string input in inputFiles)
        {
            if (string.Equals(SafeFullPath(input), full, comparison) || IsSameFile(input, full))
            {
                throw new ExportRunException(RejectPathIsInput, RunErrorKind.InvalidArgument,
                    $"-RejectPath '{full}' is one of the run's input files: writing the reject report there would destroy the input. Give another path for the report. Nothing was run.");
            }
        }

        if (File.Exists(full) && !IsEmptyOrReport(full))
        {
            throw new ExportRunException(RejectPathNotReport, RunErrorKind.ResourceExists,
                $"-RejectPath '{full}' is a file that is not a reject report, and the report would replace it. Delete it, or give another path. Nothing was run.");
        }
    }

    /// <summary>
    /// True when two existing paths are one file (a hard link, or a path through a linked folder). Found through the
    /// operating system's own file identity without platform calls: an exclusive open locks the file itself (flock(2)
    /// on Linux and macOS, the share mode on Windows), so with the input held exclusively the other path cannot be
    /// opened exclusively if it is the same file. The other path is first opened alone, so that a lock someone else
    /// holds is not taken for this.
    /// </summary>
    private static bool IsSameFile(string input, string other)
    {
        if (!File.Exists(other) || !File.Exists(input))
        {
            return false;
        }

        try
        {
            using (new FileStream(other, FileMode.Open, FileAccess.Read, FileShare.None))
            {
            }

            using var held = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.None);
            try
            {
                using (new FileStream(other, FileMode.Open, FileAccess.Read, FileShare.None))
                {
                }

                return false;
            }
            catch (IOException)
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // One of them cannot be opened now (in use elsewhere, no permission): the checks that follow still apply.
            return false;
        }
    }

    private static bool IsMacOs => System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.OSX);

    private static string SafeFullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }

    /// <summary>True when the file is empty or its first line is the reject report's header (a report an earlier run wrote).</summary>
    private static bool IsEmptyOrReport(string path)
    {
        try
        {
            using var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            string? first = reader.ReadLine();
            return first is null || (first.Length == 0 && reader.Peek() < 0) || first == string.Join(",", RejectReportWriter.Columns);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"-RejectPath '{path}' cannot be read to check that it is an older reject report: {ex.Message}", ex);
        }
    }

    private static ExportRunException Invalid(string message, Exception? inner = null) =>
        new(RejectPathInvalid, RunErrorKind.InvalidArgument, message, inner);
}
