<#
.SYNOPSIS
    Writes the module's offline help from docs/<culture>/*.md: the cmdlets' MAML and the about topics.

.DESCRIPTION
    platyPS is not available here, so this is a small generator with a fixed markdown layout (docs/en-US/README.md):

        # <Cmdlet>
        ## SYNOPSIS             one paragraph
        ## DESCRIPTION          paragraphs, "- " bullets, fenced code
        ## PARAMETERS           "### -Name" blocks; an optional last line "Default value: <text>"
        ## EXAMPLES             "### Example N: <title>", a fenced code block, then remarks
        ## INPUTS / ## OUTPUTS  optional "### <type name>" blocks
        ## NOTES                optional
        ## RELATED LINKS        optional "- [text](uri)" or "- text" lines

    What the help says about parameters' types, sets, positions, aliases, wildcards and pipeline input is read
    from the built cmdlets (Get-Command on the built assembly), so it cannot disagree with the code; only the
    words come from the markdown. Default values come from a new instance of the cmdlet class unless the
    markdown gives one.

    The build fails (this script throws) when a cmdlet has no page, no synopsis or description, a parameter
    without a description, a documented parameter the cmdlet does not have, fewer than two examples or no
    example that uses the pipeline with the cmdlet.

    Run it in a fresh pwsh (build.ps1 does): it loads the built assembly to read the cmdlets.

    Writes <ModuleFolder>/bin/<culture>/ConstantContactExport.dll-Help.xml (beside the assembly that defines the
    cmdlets: PowerShell looks for a cmdlet's MAML there), the same beside each precompiled copy of the assembly
    (bin/<tfm>/<rid>/<culture>/), and <ModuleFolder>/<culture>/about_*.help.txt.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $DocsPath,
    [string] $Culture = 'en-US',
    [string] $AssemblyName = 'ConstantContactExport'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

$StandardDescriptions = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

#region Markdown

function ConvertFrom-InlineMarkdown {
    # Help is plain text: code spans, emphasis and link targets go; the words stay.
    param([string] $Text)
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]+)\)', '$1')
    $Text = [regex]::Replace($Text, '\*\*([^*]+)\*\*', '$1')
    $Text = [regex]::Replace($Text, '(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])', '$1')
    # A code span (a run of backticks, its text, the same run) loses its backticks; a lone backtick is text: the
    # escape in "`t" must reach the help as written.
    [regex]::Replace($Text, '(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)', { param($m) $m.Groups[2].Value.Trim() })
}

function Split-MarkdownSection {
    # Heading text => its lines, for the headings of one level ('## ' or '### ').
    param([string[]] $Lines, [string] $Marker)
    $sections = [ordered]@{}
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($Marker)) {
            $current = $line.Substring($Marker.Length).Trim()
            if ($sections.Contains($current)) { throw "The heading '$Marker$current' appears twice." }
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($null -ne $current) { $sections[$current].Add($line) }
    }
    $sections
}

function ConvertTo-Paragraph {
    # Markdown lines into help paragraphs: blank lines separate; each "- " bullet is its own paragraph;
    # a fenced block is one paragraph that keeps its lines.
    param([string[]] $Lines)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    $fence = $null
    $flush = {
        if ($buffer.Count -gt 0) {
            $paragraphs.Add((ConvertFrom-InlineMarkdown ($buffer -join ' ')))
            $buffer.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($null -ne $fence) {
            if ($line -match '^\s*```') {
                $paragraphs.Add(($fence | ForEach-Object { "    $_" }) -join "`n")
                $fence = $null
            }
            else { $fence.Add($line) }
            continue
        }
        if ($line -match '^\s*```') { & $flush; $fence = [System.Collections.Generic.List[string]]::new(); continue }
        if ([string]::IsNullOrWhiteSpace($line)) { & $flush; continue }
        if ($line -match '^\s*[-*] ') { & $flush }
        $buffer.Add($line.Trim())
    }
    if ($null -ne $fence) { throw 'A fenced code block is not closed.' }
    & $flush
    , $paragraphs.ToArray()
}

function Read-CommandPage {
    param([string] $Path)
    $lines = [System.IO.File]::ReadAllLines($Path)
    $title = $lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1
    $sections = Split-MarkdownSection -Lines $lines -Marker '## '
    $page = [ordered]@{
        Path        = $Path
        Name        = if ($title) { $title.Substring(2).Trim() } else { $null }
        Synopsis    = @()
        Description = @()
        Parameters  = [ordered]@{}
        Defaults    = @{}
        Examples    = [System.Collections.Generic.List[object]]::new()
        Inputs      = [ordered]@{}
        Outputs     = [ordered]@{}
        Notes       = @()
        Links       = [System.Collections.Generic.List[object]]::new()
    }
    foreach ($key in $sections.Keys) {
        $body = [string[]]$sections[$key]
        switch ($key) {
            'SYNOPSIS' { $page.Synopsis = ConvertTo-Paragraph $body }
            'DESCRIPTION' { $page.Description = ConvertTo-Paragraph $body }
            'NOTES' { $page.Notes = ConvertTo-Paragraph $body }
            'PARAMETERS' {
                $blocks = Split-MarkdownSection -Lines $body -Marker '### '
                foreach ($heading in $blocks.Keys) {
                    $name = $heading.TrimStart('-')
                    $blockLines = [string[]]$blocks[$heading]
                    $default = $blockLines | Where-Object { $_ -match '^Default value:\s*(.+)$' } | Select-Object -Last 1
                    if ($default) {
                        $page.Defaults[$name] = ($default -replace '^Default value:\s*', '').Trim()
                        $blockLines = $blockLines | Where-Object { $_ -notmatch '^Default value:' }
                    }
                    $page.Parameters[$name] = ConvertTo-Paragraph $blockLines
                }
            }
            'EXAMPLES' {
                $blocks = Split-MarkdownSection -Lines $body -Marker '### '
                foreach ($heading in $blocks.Keys) {
                    $code = [System.Collections.Generic.List[string]]::new()
                    $remarks = [System.Collections.Generic.List[string]]::new()
                    $state = 'before'
                    foreach ($line in $blocks[$heading]) {
                        if ($state -eq 'before' -and $line -match '^\s*```') { $state = 'code'; continue }
                        if ($state -eq 'code' -and $line -match '^\s*```') { $state = 'after'; continue }
                        if ($state -eq 'code') { $code.Add($line) }
                        elseif ($state -eq 'after') { $remarks.Add($line) }
                        elseif (-not [string]::IsNullOrWhiteSpace($line)) { $remarks.Add($line) }
                    }
                    $page.Examples.Add([pscustomobject]@{
                            Title   = $heading
                            Code    = ($code -join "`n").Trim()
                            Remarks = ConvertTo-Paragraph $remarks
                        })
                }
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                $blocks = Split-MarkdownSection -Lines $body -Marker '### '
                $target = if ($key -eq 'INPUTS') { $page.Inputs } else { $page.Outputs }
                foreach ($heading in $blocks.Keys) { $target[$heading] = ConvertTo-Paragraph ([string[]]$blocks[$heading]) }
            }
            'RELATED LINKS' {
                foreach ($line in $body) {
                    if ($line -match '^\s*[-*]\s+\[([^\]]+)\]\(([^)]*)\)') {
                        $uri = if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }
                        $page.Links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $uri })
                    }
                    elseif ($line -match '^\s*[-*]\s+(.+)$') {
                        $page.Links.Add([pscustomobject]@{ Text = (ConvertFrom-InlineMarkdown $Matches[1]).Trim(); Uri = '' })
                    }
                }
            }
            default { throw "$Path has a section '## $key' that the help layout does not know (docs/en-US/README.md)." }
        }
    }
    [pscustomobject]$page
}

#endregion

#region Cmdlet metadata

function Get-FriendlyTypeName {
    param([type] $Type)
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    if ($Type.IsArray) { return (Get-FriendlyTypeName $Type.GetElementType()) + '[]' }
    $Type.Name
}

function Get-ParameterFact {
    # What the code says of one parameter, over all its parameter sets.
    param($Command, [System.Management.Automation.ParameterMetadata] $Parameter)
    $inSets = foreach ($set in $Command.ParameterSets) {
        $p = $set.Parameters | Where-Object Name -EQ $Parameter.Name
        if ($p) { [pscustomobject]@{ Set = $set; Parameter = $p } }
    }
    $byValue = [bool]($inSets | Where-Object { $_.Parameter.ValueFromPipeline })
    $byName = [bool]($inSets | Where-Object { $_.Parameter.ValueFromPipelineByPropertyName })
    $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' }
    elseif ($byValue) { 'True (ByValue)' }
    elseif ($byName) { 'True (ByPropertyName)' }
    else { 'False' }
    $positioned = $inSets | Where-Object { $_.Parameter.Position -ge 0 } | Sort-Object { -not $_.Set.IsDefault } | Select-Object -First 1
    [pscustomobject]@{
        Name          = $Parameter.Name
        TypeName      = Get-FriendlyTypeName $Parameter.ParameterType
        FullTypeName  = $Parameter.ParameterType.FullName
        IsSwitch      = $Parameter.SwitchParameter
        Required      = [bool]($inSets -and -not ($inSets | Where-Object { -not $_.Parameter.IsMandatory }))
        Position      = if ($positioned) { [string]$positioned.Parameter.Position } else { 'named' }
        Pipeline      = $pipeline
        Globbing      = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        Aliases       = @($Parameter.Aliases)
        VariableLength = $Parameter.ParameterType.IsArray
    }
}

function Get-DefaultValueText {
    # From a new instance of the cmdlet class: the property's initial value, when it says something.
    param([object] $Instance, [string] $Name, $Fact)
    if ($Fact.IsSwitch) { return 'False' }
    if ($null -eq $Instance) { return 'None' }
    $property = $Instance.GetType().GetProperty($Name)
    if (-not $property) { return 'None' }
    $value = $property.GetValue($Instance)
    if ($null -eq $value) { return 'None' }
    if ($value -is [array]) { if ($value.Count -eq 0) { return 'None' }; return ($value -join ', ') }
    if ($value -is [string]) { if ($value -eq '') { return 'None' }; return $value }
    if ($value -is [System.ValueType] -and $value -eq [Activator]::CreateInstance($value.GetType())) { return 'None' }
    [string]$value
}

#endregion

#region MAML

function Add-Element {
    param([System.Xml.XmlNode] $Parent, [string] $Prefix, [string] $Name, [string] $Text, [hashtable] $Attributes = @{})
    $ns = switch ($Prefix) { 'maml' { $MamlNs } 'command' { $CommandNs } 'dev' { $DevNs } }
    $doc = if ($Parent -is [System.Xml.XmlDocument]) { $Parent } else { $Parent.OwnerDocument }
    $element = $doc.CreateElement($Prefix, $Name, $ns)
    foreach ($key in $Attributes.Keys | Sort-Object) { $element.SetAttribute($key, $Attributes[$key]) }
    if ($PSBoundParameters.ContainsKey('Text')) { $element.InnerText = $Text }
    [void]$Parent.AppendChild($element)
    $element
}

function Add-Description {
    param([System.Xml.XmlNode] $Parent, [string[]] $Paragraphs, [string] $Prefix = 'maml', [string] $Name = 'description')
    $description = Add-Element $Parent $Prefix $Name
    foreach ($para in $Paragraphs) { [void](Add-Element $description 'maml' 'para' $para) }
    if (-not $Paragraphs) { [void](Add-Element $description 'maml' 'para' '') }
    $description
}

function Add-Parameter {
    param([System.Xml.XmlNode] $Parent, $Fact, [string[]] $Description, [string] $Default, [bool] $Required, [string] $Position, [bool] $InSyntax)
    $attributes = @{
        required       = $Required.ToString().ToLowerInvariant()
        variableLength = $Fact.VariableLength.ToString().ToLowerInvariant()
        globbing       = $Fact.Globbing.ToString().ToLowerInvariant()
        pipelineInput  = $Fact.Pipeline
        position       = $Position
        aliases        = if ($Fact.Aliases.Count) { $Fact.Aliases -join ', ' } else { 'none' }
    }
    $element = Add-Element $Parent 'command' 'parameter' -Attributes $attributes
    [void](Add-Element $element 'maml' 'name' $Fact.Name)
    [void](Add-Description $element $Description)
    if (-not ($InSyntax -and $Fact.IsSwitch)) {
        [void](Add-Element $element 'command' 'parameterValue' $Fact.TypeName -Attributes @{ required = (-not $Fact.IsSwitch).ToString().ToLowerInvariant(); variableLength = $Fact.VariableLength.ToString().ToLowerInvariant() })
    }
    $type = Add-Element $element 'dev' 'type'
    [void](Add-Element $type 'maml' 'name' $Fact.TypeName)
    [void](Add-Element $type 'maml' 'uri' '')
    [void](Add-Element $element 'dev' 'defaultValue' $Default)
}

function Add-TypeEntry {
    param([System.Xml.XmlNode] $Parent, [string] $Kind, [string] $TypeName, [string[]] $Description)
    $entry = Add-Element $Parent 'command' $Kind
    $type = Add-Element $entry 'dev' 'type'
    [void](Add-Element $type 'maml' 'name' $TypeName)
    [void](Add-Description $entry $Description)
}

#endregion

$problems = [System.Collections.Generic.List[string]]::new()
$binPath = Join-Path $ModuleFolder 'bin'
$assemblyPath = Join-Path $binPath "$AssemblyName.dll"
if (-not (Test-Path $assemblyPath)) { throw "The built assembly is not there: $assemblyPath" }
$cultureDocs = Join-Path $DocsPath $Culture

# The assembly itself, not the manifest: every cmdlet it defines gets help, exported yet or not.
$module = Import-Module $assemblyPath -PassThru -Force
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
if (-not $commands) { throw "No cmdlets in $assemblyPath." }
$skip = [System.Management.Automation.Cmdlet]::CommonParameters

$doc = [System.Xml.XmlDocument]::new()
[void]$doc.AppendChild($doc.CreateXmlDeclaration('1.0', 'utf-8', $null))
$root = $doc.CreateElement('helpItems', 'http://msh')
$root.SetAttribute('schema', 'maml')
[void]$doc.AppendChild($root)

foreach ($command in $commands) {
    $pagePath = Join-Path $cultureDocs "$($command.Name).md"
    if (-not (Test-Path $pagePath)) { $problems.Add("$($command.Name): no help page ($pagePath)."); continue }
    try { $page = Read-CommandPage $pagePath }
    catch { $problems.Add("$($command.Name): $($_.Exception.Message)"); continue }
    $who = $command.Name
    if ($page.Name -ne $command.Name) { $problems.Add("${who}: the page's title is '$($page.Name)'.") }
    if (-not ($page.Synopsis -join '').Trim()) { $problems.Add("${who}: no SYNOPSIS.") }
    if (-not ($page.Description -join '').Trim()) { $problems.Add("${who}: no DESCRIPTION.") }
    if ($page.Examples.Count -lt 2) { $problems.Add("${who}: $($page.Examples.Count) example(s); at least two are needed.") }
    foreach ($example in $page.Examples) {
        if (-not $example.Code) { $problems.Add("${who}: '$($example.Title)' has no code.") }
    }
    $pipelineExample = $page.Examples | Where-Object { $_.Code -match '\|' -and $_.Code -match [regex]::Escape($command.Name) }
    if (-not $pipelineExample) { $problems.Add("${who}: no example uses the pipeline with $who.") }

    $parameters = @($command.Parameters.Values | Where-Object { $_.Name -notin $skip })
    $facts = @{}
    foreach ($parameter in $parameters) {
        $facts[$parameter.Name] = Get-ParameterFact -Command $command -Parameter $parameter
        $text = if ($page.Parameters.Contains($parameter.Name)) { $page.Parameters[$parameter.Name] } else { $StandardDescriptions[$parameter.Name] }
        if (-not ($text -join '').Trim()) { $problems.Add("${who}: parameter -$($parameter.Name) has no description.") }
    }
    foreach ($documented in $page.Parameters.Keys) {
        if (-not $facts.ContainsKey($documented)) { $problems.Add("${who}: the page describes -$documented, which the cmdlet does not have.") }
    }

    $instance = try { [Activator]::CreateInstance($command.ImplementingType) } catch { $null }
    $describe = {
        param($name)
        if ($page.Parameters.Contains($name)) { [string[]]$page.Parameters[$name] } else { [string[]]@($StandardDescriptions[$name]) }
    }
    $default = {
        param($name)
        if ($page.Defaults.ContainsKey($name)) { $page.Defaults[$name] } else { Get-DefaultValueText -Instance $instance -Name $name -Fact $facts[$name] }
    }

    $element = Add-Element $root 'command' 'command'
    $element.SetAttribute('xmlns:maml', $MamlNs)
    $element.SetAttribute('xmlns:command', $CommandNs)
    $element.SetAttribute('xmlns:dev', $DevNs)
    $details = Add-Element $element 'command' 'details'
    [void](Add-Element $details 'command' 'name' $command.Name)
    [void](Add-Element $details 'command' 'verb' $command.Verb)
    [void](Add-Element $details 'command' 'noun' $command.Noun)
    [void](Add-Description $details $page.Synopsis)
    [void](Add-Description $element $page.Description)

    $syntax = Add-Element $element 'command' 'syntax'
    foreach ($set in $command.ParameterSets | Sort-Object { -not $_.IsDefault }, Name) {
        $item = Add-Element $syntax 'command' 'syntaxItem'
        [void](Add-Element $item 'maml' 'name' $command.Name)
        $ordered = $set.Parameters | Where-Object { $_.Name -notin $skip } |
            Sort-Object @{ Expression = { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } } }, @{ Expression = { -not $_.IsMandatory } }, @{ Expression = { $_.Name -in 'WhatIf', 'Confirm' } }, Name
        foreach ($p in $ordered) {
            $position = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
            Add-Parameter $item $facts[$p.Name] (& $describe $p.Name) (& $default $p.Name) $p.IsMandatory $position $true
        }
    }

    $parametersElement = Add-Element $element 'command' 'parameters'
    foreach ($name in $facts.Keys | Sort-Object { $_ -in 'WhatIf', 'Confirm' }, { $_ }) {
        $fact = $facts[$name]
        Add-Parameter $parametersElement $fact (& $describe $name) (& $default $name) $fact.Required $fact.Position $false
    }

    $inputs = Add-Element $element 'command' 'inputTypes'
    if ($page.Inputs.Count) {
        foreach ($key in $page.Inputs.Keys) { Add-TypeEntry $inputs 'inputType' $key $page.Inputs[$key] }
    }
    else {
        $byValue = $facts.Values | Where-Object { $_.Pipeline -like '*ByValue*' }
        if ($byValue) { foreach ($fact in $byValue) { Add-TypeEntry $inputs 'inputType' $fact.FullTypeName @("Bound to -$($fact.Name).") } }
        else { Add-TypeEntry $inputs 'inputType' 'None' @('This cmdlet takes no pipeline input by value.') }
    }

    $outputs = Add-Element $element 'command' 'returnValues'
    $declared = @($command.OutputType | ForEach-Object Name | Where-Object { $_ -and $_ -ne 'System.Void' })
    if ($page.Outputs.Count) {
        foreach ($key in $page.Outputs.Keys) { Add-TypeEntry $outputs 'returnValue' $key $page.Outputs[$key] }
    }
    elseif ($declared) { foreach ($name in $declared) { Add-TypeEntry $outputs 'returnValue' $name @() } }
    else { Add-TypeEntry $outputs 'returnValue' 'None' @('This cmdlet returns no output.') }

    if ($page.Notes) {
        $alerts = Add-Element $element 'maml' 'alertSet'
        $alert = Add-Element $alerts 'maml' 'alert'
        foreach ($para in $page.Notes) { [void](Add-Element $alert 'maml' 'para' $para) }
    }

    $examples = Add-Element $element 'command' 'examples'
    foreach ($example in $page.Examples) {
        $exampleElement = Add-Element $examples 'command' 'example'
        [void](Add-Element $exampleElement 'maml' 'title' "--------------- $($example.Title) ---------------")
        [void](Add-Element $exampleElement 'dev' 'code' $example.Code)
        # A last empty paragraph: Get-Help then leaves a blank line before the next example's title.
        [void](Add-Description $exampleElement (@($example.Remarks) + '') -Prefix 'dev' -Name 'remarks')
    }

    $links = Add-Element $element 'command' 'relatedLinks'
    foreach ($link in $page.Links) {
        $nav = Add-Element $links 'maml' 'navigationLink'
        [void](Add-Element $nav 'maml' 'linkText' $link.Text)
        [void](Add-Element $nav 'maml' 'uri' $link.Uri)
    }
}

$ahead = @(Get-ChildItem $cultureDocs -Filter '*-*.md' | Where-Object BaseName -NotIn $commands.Name | ForEach-Object BaseName)
if ($ahead) {
    Write-Warning "Help pages for cmdlets that $AssemblyName.dll does not have (yet), left out: $($ahead -join ', ')."
}

if ($problems.Count) {
    throw "The help is incomplete ($($problems.Count) problem(s)):`n  " + ($problems -join "`n  ")
}

$mamlFolder = New-Item -ItemType Directory -Path (Join-Path $binPath $Culture) -Force
$mamlPath = Join-Path $mamlFolder "$AssemblyName.dll-Help.xml"
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$writer = [System.Xml.XmlWriter]::Create($mamlPath, $settings)
try { $doc.Save($writer) } finally { $writer.Dispose() }
Write-Host "Wrote $mamlPath ($($commands.Count) cmdlets)."
# The same beside each precompiled copy of the assembly (bin/<tfm>/<rid>/): the copy that runs is the one whose folder
# PowerShell searches.
foreach ($copy in Get-ChildItem $binPath -Recurse -Filter "$AssemblyName.dll" | Where-Object DirectoryName -NE $binPath) {
    $copyFolder = New-Item -ItemType Directory -Path (Join-Path $copy.DirectoryName $Culture) -Force
    Copy-Item $mamlPath -Destination $copyFolder
}

#region About topics

function ConvertTo-WrappedLine {
    param([string] $Text, [int] $Indent, [int] $Hanging = 0, [int] $Width = 80)
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ''
    $pad = ' ' * $Indent
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if ($line -and ($pad.Length + $line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add($pad + $line)
            $pad = ' ' * ($Indent + $Hanging)
            $line = $word
        }
        else { $line = if ($line) { "$line $word" } else { $word } }
    }
    if ($line) { $lines.Add($pad + $line) }
    $lines
}

function ConvertTo-AboutText {
    # The about_*.help.txt layout: section headings in capitals at the margin, text indented four spaces,
    # code indented eight, wrapped at 80 columns.
    param([string[]] $Lines)
    $out = [System.Collections.Generic.List[string]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    $bullet = $false
    $inFence = $false
    $flush = {
        if ($buffer.Count) {
            $text = ConvertFrom-InlineMarkdown ($buffer -join ' ')
            if ($bullet) { $out.AddRange([string[]](ConvertTo-WrappedLine -Text $text -Indent 4 -Hanging 2)) }
            else { $out.AddRange([string[]](ConvertTo-WrappedLine -Text $text -Indent 4)) }
            $buffer.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($inFence) {
            if ($line -match '^\s*```') { $inFence = $false; $out.Add('') }
            else { $out.Add(('        ' + $line).TrimEnd()) }
            continue
        }
        if ($line -match '^\s*```') { & $flush; $inFence = $true; continue }
        if ($line -match '^# (.+)$') { & $flush; $out.Add('TOPIC'); $out.Add("    $($Matches[1].Trim())"); $out.Add(''); continue }
        if ($line -match '^## (.+)$') { & $flush; $out.Add($Matches[1].Trim().ToUpperInvariant()); continue }
        if ($line -match '^### (.+)$') { & $flush; $out.Add("  $(ConvertFrom-InlineMarkdown $Matches[1].Trim())"); continue }
        if ($line -match '^\s*\|') { & $flush; $out.Add(('    ' + (ConvertFrom-InlineMarkdown $line)).TrimEnd()); continue }
        if ([string]::IsNullOrWhiteSpace($line)) {
            & $flush
            if ($out.Count -and $out[$out.Count - 1] -ne '') { $out.Add('') }
            continue
        }
        if ($line -match '^\s*[-*] ') { & $flush; $bullet = $true }
        elseif ($buffer.Count -eq 0) { $bullet = $false }
        $buffer.Add($line.Trim())
    }
    if ($inFence) { throw 'A fenced code block is not closed.' }
    & $flush
    ($out -join [Environment]::NewLine).TrimEnd() + [Environment]::NewLine
}

$aboutFolder = Join-Path $ModuleFolder $Culture
foreach ($about in Get-ChildItem $cultureDocs -Filter 'about_*.md') {
    New-Item -ItemType Directory -Path $aboutFolder -Force | Out-Null
    $target = Join-Path $aboutFolder "$($about.BaseName).help.txt"
    $text = ConvertTo-AboutText ([System.IO.File]::ReadAllLines($about.FullName))
    [System.IO.File]::WriteAllText($target, $text, [System.Text.UTF8Encoding]::new($false))
    Write-Host "Wrote $target."
}

#endregion
