# The built module folder as the Gallery would take it: Publish-PSResource packs it into a local repository,
# Save-PSResource installs it elsewhere, and a fresh pwsh imports it by name and uses it.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = Get-TestModulePath
    $script:ModuleFolder = Split-Path $script:ModulePath
    $script:Version = (Import-PowerShellDataFile $script:ModulePath).ModuleVersion

    $script:Work = Join-Path ([System.IO.Path]::GetTempPath()) "cce-package-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
    $script:Repository = Join-Path $script:Work 'repository'
    $script:Installed = Join-Path $script:Work 'modules'
    New-Item -ItemType Directory -Path $script:Repository, $script:Installed, (Join-Path $script:Work 'data') -Force | Out-Null

    # PSResourceGet keeps its list of repositories under the local application data folder; on Linux and macOS
    # XDG_DATA_HOME moves it, so the test never touches the user's own. The repository is unregistered in any case.
    $script:ChildEnvironment = @{ XDG_DATA_HOME = (Join-Path $script:Work 'data') }
    $repositoryName = "cce-test-$PID"
    $script:Publish = Invoke-ChildPwsh -Environment $script:ChildEnvironment -Script @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Register-PSResourceRepository -Name '$repositoryName' -Uri '$script:Repository' -Trusted
try {
    Publish-PSResource -Path '$script:ModuleFolder' -Repository '$repositoryName'
    Save-PSResource -Name ConstantContactExport -Repository '$repositoryName' -Path '$script:Installed' -TrustRepository
}
finally {
    Unregister-PSResourceRepository -Name '$repositoryName'
}
'published'
"@
    $script:Package = Get-ChildItem $script:Repository -Filter '*.nupkg' | Select-Object -First 1
}

AfterAll {
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The manifest' {
    It 'is complete for the Gallery: description, author, editions, tags, licence, project, release notes, explicit exports' {
        $manifest = Test-ModuleManifest -Path $script:ModulePath -ErrorAction Stop
        $data = Import-PowerShellDataFile $script:ModulePath
        $manifest.Description.Length | Should -BeGreaterThan 50
        $manifest.Author | Should -Not -BeNullOrEmpty
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $data.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Desktop'
        $data.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        $data.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $data.PrivateData.PSData.ProjectUri | Should -Match '^https://'
        $data.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') {
            $data.ContainsKey($key) | Should -BeTrue -Because "$key should be explicit"
            $data[$key] | Should -Not -Contain '*'
        }
        $data.FormatsToProcess | Should -Contain 'ConstantContactExport.Format.ps1xml'
        $data.TypesToProcess | Should -Contain 'ConstantContactExport.Types.ps1xml'
    }
}

Describe 'The package' {
    It 'is published by Publish-PSResource and saved by Save-PSResource' {
        $script:Publish.Errors | Should -BeNullOrEmpty
        $script:Publish.ExitCode | Should -Be 0
        $script:Publish.Output | Should -Contain 'published'
        $script:Package.Name | Should -Be "ConstantContactExport.$script:Version.nupkg"
        Join-Path $script:Installed "ConstantContactExport/$script:Version/ConstantContactExport.psd1" | Should -Exist
    }

    It 'holds the whole module: assemblies, loader, formats, types, help and licence' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($script:Package.FullName)
        try { $entries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        foreach ($file in 'ConstantContactExport.psd1', 'ConstantContactExport.psm1', 'ConstantContactExport.Format.ps1xml', 'ConstantContactExport.Types.ps1xml',
            'LICENSE', 'bin/ConstantContactExport.dll', 'bin/ConstantContactExport.Engine.dll', 'bin/CsvHelper.dll', 'bin/System.Text.Json.dll',
            'bin/en-US/ConstantContactExport.dll-Help.xml', 'en-US/about_ConstantContactExport.help.txt', 'loader/ConstantContactExport.Loader.dll') {
            $entries | Should -Contain $file
        }
    }

    It 'carries the Gallery''s metadata from the manifest' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($script:Package.FullName)
        try {
            $entry = $zip.Entries | Where-Object FullName -EQ 'ConstantContactExport.nuspec'
            $reader = [System.IO.StreamReader]::new($entry.Open())
            try { [xml]$nuspec = $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
        $metadata = $nuspec.package.metadata
        $metadata.id | Should -Be 'ConstantContactExport'
        $metadata.version | Should -Be $script:Version
        $metadata.description | Should -Not -BeNullOrEmpty
        $metadata.licenseUrl | Should -Match '^https://'
        $metadata.projectUrl | Should -Match '^https://'
        $metadata.releaseNotes | Should -Not -BeNullOrEmpty
        foreach ($tag in 'PSModule', 'ConstantContact', 'PSEdition_Core', 'PSEdition_Desktop') { $metadata.tags -split ' ' | Should -Contain $tag }
    }
}

Describe 'The saved module' {
    It 'imports by name in a fresh pwsh and works, with its help, formats and completers' {
        $modulePath = $script:Installed + [System.IO.Path]::PathSeparator + $env:PSModulePath
        $testHome = Join-Path $script:Work 'home'
        $result = Invoke-ChildPwsh -Environment @{ PSModulePath = $modulePath; CC_EXPORT_HOME = $testHome } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module ConstantContactExport
`$module = Get-Module ConstantContactExport
'base=' + `$module.ModuleBase
'version=' + `$module.Version
'valid=' + ('ada@example.com' | Test-CCEmailAddress)
'detailed=' + ('ada.example.com' | Test-CCEmailAddress -Detailed).Reason
'examples=' + @((Get-Help Test-CCEmailAddress).examples.example).Count
'about=' + [bool](Get-Help about_ConstantContactExport | Out-String | Select-String 'THE LEDGER')
'views=' + @(Get-FormatData -TypeName ConstantContactExport.CCExportRun).Count
"@
        $result.Errors | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $base = ($result.Output | Where-Object { $_ -like 'base=*' }) -replace '^base='
        [System.IO.Path]::GetFullPath($base) | Should -BeLike ([System.IO.Path]::GetFullPath($script:Installed) + '*')
        $result.Output | Should -Contain "version=$script:Version"
        $result.Output | Should -Contain 'valid=True'
        $result.Output | Should -Contain 'detailed=MissingAt'
        $result.Output | Should -Contain 'about=True'
        $result.Output | Should -Contain 'views=1'
        [int](($result.Output | Where-Object { $_ -like 'examples=*' }) -replace '^examples=') | Should -BeGreaterOrEqual 2
    }
}
