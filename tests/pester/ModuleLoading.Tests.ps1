# The built module loads as a first-class module, and its dependencies live in its own load context.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    $script:ModuleFolder = Split-Path $script:ModulePath
}

Describe 'The module folder' {
    It 'has a manifest that Test-ModuleManifest accepts, with explicit exports' {
        $manifest = Test-ModuleManifest -Path $script:ModulePath -ErrorAction Stop
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $data = Import-PowerShellDataFile $script:ModulePath
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.FunctionsToExport | Should -BeNullOrEmpty
        $data.AliasesToExport | Should -BeNullOrEmpty
    }

    It 'holds the cmdlet and engine assemblies and their dependencies, and no System.Management.Automation' {
        $bin = Join-Path $script:ModuleFolder 'bin'
        foreach ($name in 'ConstantContactExport', 'ConstantContactExport.Engine', 'CsvHelper', 'System.Text.Json', 'Microsoft.Extensions.Http') {
            Join-Path $bin "$name.dll" | Should -Exist
        }
        Join-Path $bin 'System.Management.Automation.dll' | Should -Not -Exist
        Get-ChildItem $bin -Recurse -Filter 'System.Management.Automation.dll' | Should -BeNullOrEmpty
        Join-Path $script:ModuleFolder 'loader/ConstantContactExport.Loader.dll' | Should -Exist
    }
}

Describe 'Importing the module' {
    It 'exports exactly the manifest''s cmdlets' {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$script:ModulePath' -ErrorAction Stop
(Get-Command -Module ConstantContactExport | Sort-Object Name).Name -join ','
"@
        $result.ExitCode | Should -Be 0
        $expected = ((Import-PowerShellDataFile $script:ModulePath).CmdletsToExport | Sort-Object) -join ','
        $result.Output[-1] | Should -Be $expected
    }

    It 'loads its dependencies in its own load context even when another version is already loaded' {
        # CsvHelper 30.0.1 (the module ships 33.x) goes into the default context first, as another module's
        # copy would; the module must still load and use its own.
        $otherCsvHelper = Join-Path (Get-NuGetPackageFolder -Id 'CsvHelper' -Version '30.0.1') 'lib/netstandard2.0/CsvHelper.dll'
        $otherCsvHelper | Should -Exist
        $result = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$otherCsvHelper'
`$before = [CsvHelper.CsvReader].Assembly.GetName().Version.ToString()
Import-Module '$script:ModulePath'
# Uses the module: the address check runs in the module's assemblies.
`$valid = 'ada@example.com' | Test-CCEmailAddress
`$assemblies = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'CsvHelper', 'ConstantContactExport', 'ConstantContactExport.Engine' }
`$rows = foreach (`$a in `$assemblies) {
    '{0}|{1}|{2}' -f `$a.GetName().Name, `$a.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$a).Name
}
"before=`$before"
"valid=`$valid"
`$rows
"@
        $result.Errors | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Contain 'before=30.0.0.0'
        $result.Output | Should -Contain 'valid=True'
        $result.Output | Should -Contain 'CsvHelper|30.0.0.0|Default'
        $result.Output | Where-Object { $_ -like 'ConstantContactExport|*' } | Should -BeLike '*|ConstantContactExport'
        $result.Output | Where-Object { $_ -like 'ConstantContactExport.Engine|*' } | Should -BeLike '*|ConstantContactExport'
    }

    It 'runs the precompiled copies for this .NET and platform, and the portable ones where it has none' {
        # bin/net10.0/<rid> holds ReadyToRun copies for linux-x64 and win-x64 on .NET 10; anywhere else (and in
        # Windows PowerShell) bin/'s portable copies run. The module without its precompiled folders works the same.
        $rid = '{0}-{1}' -f $(if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }), [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
        $portable = Join-Path $TestDrive 'portable/ConstantContactExport'
        Copy-Item $script:ModuleFolder -Destination $portable -Recurse
        Get-ChildItem (Join-Path $portable 'bin') -Directory | Where-Object Name -Match '^net\d+\.0$' | Remove-Item -Recurse -Force
        $probe = @'
$ErrorActionPreference = 'Stop'
Import-Module '{0}'
$null = 'ada@example.com', 'not an address' | Test-CCEmailAddress
foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object {{ $_.GetName().Name -in 'ConstantContactExport', 'ConstantContactExport.Engine' }}) {{
    '{{0}}|{{1}}' -f $a.GetName().Name, (Split-Path (Split-Path $a.Location) -Leaf)
}}
'valid=' + ('ada@example.com' | Test-CCEmailAddress)
'@
        $shipped = Invoke-ChildPwsh -Script ($probe -f $script:ModulePath)
        $shipped.ExitCode | Should -Be 0
        $shipped.Output | Should -Contain 'valid=True'
        $precompiled = "bin/net$([Environment]::Version.Major).0/$rid"
        $expectedFolder = if (Test-Path (Join-Path $script:ModuleFolder $precompiled)) { $rid } else { 'bin' }
        if ($rid -in 'linux-x64', 'win-x64' -and [Environment]::Version.Major -eq 10) {
            $expectedFolder | Should -Be $rid -Because 'the build precompiles for .NET 10 on linux-x64 and win-x64'
        }
        foreach ($name in 'ConstantContactExport', 'ConstantContactExport.Engine') {
            $shipped.Output | Should -Contain "$name|$expectedFolder"
        }

        $fallback = Invoke-ChildPwsh -Script ($probe -f (Join-Path $portable 'ConstantContactExport.psd1'))
        $fallback.Errors | Should -BeNullOrEmpty
        $fallback.ExitCode | Should -Be 0
        $fallback.Output | Should -Contain 'valid=True'
        foreach ($name in 'ConstantContactExport', 'ConstantContactExport.Engine') {
            $fallback.Output | Should -Contain "$name|bin"
        }
    }

    It 'can be imported twice in one session and removed' {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$script:ModulePath' -ErrorAction Stop
Remove-Module ConstantContactExport
Import-Module '$script:ModulePath' -ErrorAction Stop
'a@example.com' | Test-CCEmailAddress
"@
        $result.ExitCode | Should -Be 0
        $result.Output[-1] | Should -Be 'True'
    }
}
