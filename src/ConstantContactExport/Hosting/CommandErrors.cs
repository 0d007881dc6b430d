using System.Management.Automation;

namespace ConstantContactExport.Hosting;

/// <summary>
/// How every command of the module ends with an error. ThrowTerminatingError alone ends only the statement, whatever
/// -ErrorAction says: `Invoke-CCExport ... -ErrorAction Stop; Send-Report` would go on to the next statement and a
/// scheduled job would exit 0 after a failed run. Under -ErrorAction Stop (or $ErrorActionPreference = 'Stop') the
/// error is first written, which PowerShell turns into the script-terminating stop the runbook asked for.
/// </summary>
internal static class CommandErrors
{
    /// <summary>Ends the command with <paramref name="record"/>; never returns.</summary>
    public static void Fail(this PSCmdlet cmdlet, ErrorRecord record)
    {
        if (cmdlet.ErrorActionIsStop())
        {
            cmdlet.WriteError(record);
        }

        cmdlet.ThrowTerminatingError(record);
    }

    /// <summary>-ErrorAction Stop on the command, or $ErrorActionPreference = 'Stop' where it runs.</summary>
    public static bool ErrorActionIsStop(this PSCmdlet cmdlet)
    {
        object? value = cmdlet.MyInvocation.BoundParameters.TryGetValue("ErrorAction", out object? bound)
            ? bound
            : cmdlet.SessionState.PSVariable.GetValue("ErrorActionPreference");
        return LanguagePrimitives.TryConvertTo(value, out ActionPreference preference) && preference == ActionPreference.Stop;
    }
}
