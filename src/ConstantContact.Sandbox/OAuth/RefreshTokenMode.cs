namespace ConstantContact.Sandbox.OAuth;

/// <summary>The two refresh token settings a Constant Contact application can have.</summary>
public enum RefreshTokenMode
{
    /// <summary>Each refresh returns a new refresh token and the one used dies.</summary>
    Rotating,

    /// <summary>The same refresh token is returned and stays valid.</summary>
    LongLived,
}
