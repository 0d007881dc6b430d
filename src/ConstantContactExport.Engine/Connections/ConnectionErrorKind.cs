namespace ConstantContactExport.Engine.Connections;

/// <summary>What sort of failure a <see cref="ConnectionException"/> is; the cmdlets map it to an ErrorCategory.</summary>
public enum ConnectionErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    SecurityError,
    AuthenticationError,
    PermissionDenied,
    ResourceBusy,
    Timeout,
    InvalidData,
    WriteError,
}
