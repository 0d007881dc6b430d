using System.Management.Automation;

namespace ConstantContactExport.Hosting;

/// <summary>
/// Lets a -Connection parameter take a name or a connection object (Get-CCConnection's output, or anything
/// with a Name property), as PnP's PipeBind parameters do.
/// </summary>
internal sealed class ConnectionNameTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is null || value is string)
        {
            return value;
        }

        PSPropertyInfo? name = PSObject.AsPSObject(value).Properties["Name"];
        return name?.Value is string text ? text : inputData;
    }
}
