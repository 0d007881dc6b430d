namespace ConstantContact.Sandbox.Faults;

/// <summary>What can go wrong with a /v3 request.</summary>
public enum FaultKind
{
    /// <summary>500 with an error array, the request not processed.</summary>
    ServerError,

    /// <summary>503 with an error array, the request not processed.</summary>
    ServiceUnavailable,

    /// <summary>The connection is dropped before the request is processed.</summary>
    Reset,

    /// <summary>The request is held for the slow delay and then served normally.</summary>
    Slow,

    /// <summary>The request is processed in full, then the connection is dropped before the answer.</summary>
    LostResponse,

    /// <summary>A throttled 429, as if the per-second limit had been hit.</summary>
    Throttle,

    /// <summary>The request is processed in full, then answered <c>200 {}</c>: a success that names nothing.</summary>
    EmptyAnswer,
}
