using System;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// A connection could not be found, created, authorized or used, for a reason the person can act on. The
/// message says what to do; <see cref="ErrorId"/> (one of <see cref="ConnectionErrorIds"/>) is stable.
/// Never holds a token.
/// </summary>
public sealed class ConnectionException : Exception
{
    public ConnectionException(string errorId, ConnectionErrorKind kind, string message, object? target = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }

    public ConnectionErrorKind Kind { get; }

    /// <summary>What the error is about (a connection name, a URI), for the error record's TargetObject.</summary>
    public object? Target { get; }
}
