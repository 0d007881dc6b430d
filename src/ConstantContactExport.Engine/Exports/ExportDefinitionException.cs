using System;

namespace ConstantContactExport.Engine.Exports;

/// <summary>A definition file that cannot be used: not JSON, or JSON that does not describe an export.</summary>
public sealed class ExportDefinitionException : Exception
{
    public ExportDefinitionException(string path, string problem, Exception? inner = null)
        : base($"The export definition '{path}' cannot be used: {problem}", inner)
    {
        Path = path;
    }

    public string Path { get; }
}
