# Windows PowerShell 5.1 (.NET Framework 4.7.2+) cannot be run here, so this checks what can be checked from the
# built files: the cmdlet and engine assemblies are netstandard2.0 builds that reference only netstandard, the
# PowerShell 5.1 reference API (System.Management.Automation 3.0.0.0) and assemblies shipped beside them, and
# every shipped dependency is a netstandard (or .NET Framework) build, not a .NET Core one. Read from the metadata
# with System.Reflection.Metadata: nothing is loaded.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Bin = Join-Path (Split-Path (Get-TestModulePath)) 'bin'
    $script:Shipped = @(Get-ChildItem $script:Bin -Filter '*.dll' | ForEach-Object BaseName)

    function Get-AssemblyMetadata {
        param([string] $Path)
        $stream = [System.IO.File]::OpenRead($Path)
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            $references = foreach ($handle in $reader.AssemblyReferences) {
                $reference = $reader.GetAssemblyReference($handle)
                [pscustomobject]@{ Name = $reader.GetString($reference.Name); Version = $reference.Version }
            }
            $targetFramework = $null
            foreach ($handle in $reader.GetAssemblyDefinition().GetCustomAttributes()) {
                $attribute = $reader.GetCustomAttribute($handle)
                if ($attribute.Constructor.Kind -ne [System.Reflection.Metadata.HandleKind]::MemberReference) { continue }
                $constructor = $reader.GetMemberReference([System.Reflection.Metadata.MemberReferenceHandle]$attribute.Constructor)
                if ($constructor.Parent.Kind -ne [System.Reflection.Metadata.HandleKind]::TypeReference) { continue }
                $type = $reader.GetTypeReference([System.Reflection.Metadata.TypeReferenceHandle]$constructor.Parent)
                if ($reader.GetString($type.Name) -eq 'TargetFrameworkAttribute') {
                    # A custom attribute blob: the prolog 0x0001, then the constructor's string argument.
                    $blob = $reader.GetBlobReader($attribute.Value)
                    [void]$blob.ReadUInt16()
                    $targetFramework = $blob.ReadSerializedString()
                }
            }
            $typeScopes = foreach ($handle in $reader.TypeReferences) {
                $typeReference = $reader.GetTypeReference($handle)
                if ($typeReference.ResolutionScope.Kind -eq [System.Reflection.Metadata.HandleKind]::AssemblyReference) {
                    $scope = $reader.GetAssemblyReference([System.Reflection.Metadata.AssemblyReferenceHandle]$typeReference.ResolutionScope)
                    [pscustomobject]@{ Assembly = $reader.GetString($scope.Name); Type = $reader.GetString($typeReference.Namespace) + '.' + $reader.GetString($typeReference.Name) }
                }
            }
            [pscustomobject]@{
                Name            = $reader.GetString($reader.GetAssemblyDefinition().Name)
                Version         = $reader.GetAssemblyDefinition().Version
                TargetFramework = $targetFramework
                References      = @($references)
                TypeScopes      = @($typeScopes)
            }
        }
        finally { $stream.Dispose() }
    }

    $script:Metadata = @{}
    foreach ($file in Get-ChildItem $script:Bin -Filter '*.dll') { $script:Metadata[$file.BaseName] = Get-AssemblyMetadata $file.FullName }
}

Describe 'The cmdlet and engine assemblies' -ForEach @(
    @{ Assembly = 'ConstantContactExport'; MayReference = @('netstandard', 'System.Management.Automation') }
    @{ Assembly = 'ConstantContactExport.Engine'; MayReference = @('netstandard') }
) {
    It 'are netstandard2.0 builds' {
        $script:Metadata[$Assembly].TargetFramework | Should -Be '.NETStandard,Version=v2.0'
    }

    It 'reference only netstandard, the PowerShell 5.1 reference API and assemblies shipped beside them' {
        foreach ($reference in $script:Metadata[$Assembly].References) {
            ($reference.Name -in $MayReference -or $reference.Name -in $script:Shipped) |
                Should -BeTrue -Because "$Assembly references $($reference.Name) $($reference.Version), which is neither netstandard nor shipped"
        }
        $script:Metadata[$Assembly].References.Name | Should -Not -Contain 'System.Runtime'
        $script:Metadata[$Assembly].References.Name | Should -Not -Contain 'System.Private.CoreLib'
        $script:Metadata[$Assembly].References.Name | Should -Not -Contain 'System.Runtime.Loader'
    }

    It 'take every framework type from netstandard 2.0.0.0' {
        $netstandard = $script:Metadata[$Assembly].References | Where-Object Name -EQ 'netstandard'
        $netstandard.Version | Should -Be ([version]'2.0.0.0')
        $framework = $script:Metadata[$Assembly].TypeScopes | Where-Object { $_.Assembly -notin $script:Shipped -and $_.Assembly -ne 'System.Management.Automation' }
        $framework.Assembly | Sort-Object -Unique | Should -Be @('netstandard')
    }

    It 'use System.Management.Automation only as Windows PowerShell 5.1 has it (the 3.0.0.0 reference API)' {
        $sma = $script:Metadata[$Assembly].References | Where-Object Name -EQ 'System.Management.Automation'
        if ($sma) { $sma.Version | Should -Be ([version]'3.0.0.0') }
        else { $Assembly | Should -Be 'ConstantContactExport.Engine' }
    }
}

Describe 'The shipped dependencies' {
    It 'are all netstandard (or .NET Framework) builds that reference netstandard, never .NET Core''s System.Runtime' {
        foreach ($name in $script:Shipped) {
            $metadata = $script:Metadata[$name]
            if ($metadata.TargetFramework) {
                $metadata.TargetFramework | Should -Match '^\.NET(Standard|Framework),' -Because "$name is built for $($metadata.TargetFramework)"
            }
            $metadata.References.Name | Should -Contain 'netstandard' -Because "$name should be a netstandard build"
            $metadata.References.Name | Should -Not -Contain 'System.Runtime' -Because "$name references System.Runtime"
            $metadata.References.Name | Should -Not -Contain 'System.Private.CoreLib'
        }
    }

    It 'satisfy every reference between them with the same or a higher version' {
        foreach ($name in $script:Shipped) {
            foreach ($reference in $script:Metadata[$name].References | Where-Object Name -In $script:Shipped) {
                $script:Metadata[$reference.Name].Version | Should -BeGreaterOrEqual $reference.Version -Because "$name wants $($reference.Name) $($reference.Version)"
            }
        }
    }

    It 'need no binding redirects on .NET Framework (or the module resolves them there)' {
        # .NET Framework binds a strong-named reference to its exact version unless a redirect or an
        # AssemblyResolve handler says otherwise; PowerShell 7 does not care. List what 5.1 would need.
        $mismatches = foreach ($name in $script:Shipped) {
            foreach ($reference in $script:Metadata[$name].References | Where-Object Name -In $script:Shipped) {
                if ($script:Metadata[$reference.Name].Version -ne $reference.Version) {
                    "$name -> $($reference.Name) $($reference.Version) (ships $($script:Metadata[$reference.Name].Version))"
                }
            }
        }
        $psm1 = Get-Content -Raw (Join-Path (Split-Path (Get-TestModulePath)) 'ConstantContactExport.psm1')
        $handled = $psm1 -match 'AssemblyResolve' -or ($script:Metadata.Values | Where-Object { $_.TypeScopes.Type -contains 'System.ResolveEventHandler' })
        if ($mismatches -and -not $handled) {
            Set-ItResult -Skipped -Because ("Windows PowerShell 5.1 would need binding redirects (an AssemblyResolve handler on Desktop), which the module does not install yet: " + ($mismatches -join '; '))
        }
    }
}
