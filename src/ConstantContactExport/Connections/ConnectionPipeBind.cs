using System;
using System.Management.Automation;

namespace ConstantContactExport;

/// <summary>
/// What -Connection takes: a connection's name, or a connection object (from Get-CCConnection or
/// New-CCConnection -PassThru, live or deserialized from a job). PowerShell converts either through the
/// constructors, so one parameter serves both, as PnP.PowerShell's PipeBind types do.
/// </summary>
public sealed class ConnectionPipeBind
{
    public ConnectionPipeBind(string name)
    {
        Name = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("The connection name is empty.", nameof(name)) : name.Trim();
    }

    public ConnectionPipeBind(CCConnection connection)
    {
        Name = (connection ?? throw new ArgumentNullException(nameof(connection))).Name;
    }

    /// <summary>A deserialized connection (a job's or a remote session's output): its Name property.</summary>
    public ConnectionPipeBind(PSObject connection)
    {
        object? baseObject = connection?.BaseObject;
        Name = baseObject switch
        {
            CCConnection live => live.Name,
            string text => new ConnectionPipeBind(text).Name,
            _ => connection?.Properties["Name"]?.Value as string is { Length: > 0 } name
                ? name
                : throw new ArgumentException("The object is not a connection: it has no Name property."),
        };
    }

    public string Name { get; }

    public override string ToString() => Name;
}
