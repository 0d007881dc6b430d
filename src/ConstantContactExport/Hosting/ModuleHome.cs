using System.Management.Automation;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Hosting;

/// <summary>The home a command uses, checked by <see cref="HomeGuard"/> before the command reads, writes or sends anything.</summary>
internal static class ModuleHome
{
    /// <summary>The checked home; one that fails the check ends the command with its ErrorId (HomeWritableByOthers, ...).</summary>
    public static StoragePaths Open(PSCmdlet cmdlet)
    {
        try
        {
            return HomeGuard.Open();
        }
        catch (UnsafeHomeException ex)
        {
            cmdlet.Fail(ErrorRecords.From(ex, ex.Path, ex.ErrorId));
            throw;
        }
    }
}
