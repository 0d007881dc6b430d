using System;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Auth;

/// <summary>Bearer tokens for one connection, refreshed as needed (<see cref="TokenManager"/>).</summary>
public interface IAccessTokenSource
{
    /// <summary>A token that is good for a while yet: the cached one, or a fresh one when it is near expiry.</summary>
    Task<string> GetAccessTokenAsync(Action<string>? log, CancellationToken cancellationToken);

    /// <summary>
    /// The API refused <paramref name="rejectedToken"/> (401): a token other than that one, refreshed unless
    /// another caller or process has refreshed already.
    /// </summary>
    Task<string> RefreshAfterRejectionAsync(string rejectedToken, Action<string>? log, CancellationToken cancellationToken);
}
