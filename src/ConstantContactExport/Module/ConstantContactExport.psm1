# The module's root. It only decides how the compiled cmdlets are loaded; all behaviour is in the assemblies.
#
# PowerShell 7: the loader (in the default context) creates the module's own AssemblyLoadContext and loads
# ConstantContactExport.dll and its dependencies there, so another module's copies of CsvHelper,
# System.Text.Json or Microsoft.Extensions.* never conflict with ours.
# Windows PowerShell 5.1: no load contexts; the same netstandard2.0 assemblies load from bin/ beside each other.

$binPath = [System.IO.Path]::Combine($PSScriptRoot, 'bin')
$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core

if ($PSVersionTable.PSEdition -eq 'Core') {
    if (-not ('ConstantContactExport.Loader.ModuleLoadContext' -as [type])) {
        Add-Type -Path ([System.IO.Path]::Combine($PSScriptRoot, 'loader', 'ConstantContactExport.Loader.dll'))
    }
    $assembly = [ConstantContactExport.Loader.ModuleLoadContext]::Initialize($binPath, 'ConstantContactExport')
    $inner = & $importModule -Assembly $assembly -PassThru -ErrorAction Stop
}
else {
    $inner = & $importModule -Name ([System.IO.Path]::Combine($binPath, 'ConstantContactExport.dll')) -PassThru -ErrorAction Stop
}

# Import-Module -Assembly may hand back a cached nested module without binding its cmdlets to this module's
# scope (PowerShell/PowerShell#20710); add them explicitly so that the manifest's CmdletsToExport sees them.
$addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
    'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
foreach ($cmdlet in $inner.ExportedCmdlets.Values) {
    $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
}
