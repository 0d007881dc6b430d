using System;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// Keeps one connection's access token fresh, safely across threads, runspaces and processes.
/// <list type="number">
/// <item>A token is used until it is within <see cref="RefreshMargin"/> of expiry (5 minutes, or a tenth of its
/// lifetime when that is less), so a request never leaves with a token about to die.</item>
/// <item>A refresh takes the connection's <see cref="CrossProcessLock"/>, then reads the store again: if another
/// process refreshed meanwhile, its token is used and no request is made. Otherwise the refresh token in the
/// store (the newest there is) is spent.</item>
/// <item>The answer is written to the store before the new access token is handed out: with rotating refresh
/// tokens the old one is dead from that moment, and a process that crashed before saving would have lost the
/// connection.</item>
/// </list>
/// </summary>
public sealed class TokenManager : IAccessTokenSource
{
    public static readonly TimeSpan MaxRefreshMargin = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A refresh request that left is not cancelled (see <see cref="RefreshLockedAsync"/>), but it is not waited on for ever.</summary>
    public static readonly TimeSpan RefreshRequestTimeout = TimeSpan.FromSeconds(60);

    private readonly string connectionName;
    private readonly ConnectionInfo connection;
    private readonly TokenStore store;
    private readonly Func<string?, OAuthClient> oauthFor;
    private readonly string lockPath;
    private readonly TimeProvider time;
    private readonly TimeSpan lockTimeout;
    private readonly SemaphoreSlim refreshGate = new(1, 1);
    private TokenSet? current;

    /// <summary>
    /// The tokens go only to the endpoints of <paramref name="connection"/> that they were issued for
    /// (<see cref="TokenStore.ReadFor"/>). <paramref name="oauthFor"/> makes an OAuth client for the application given its client secret (null for a
    /// public client); <paramref name="lockPath"/> is the connection's cross-process lock file.
    /// </summary>
    public TokenManager(ConnectionInfo connection, TokenStore store, Func<string?, OAuthClient> oauthFor, string lockPath, TimeProvider time, TimeSpan? lockTimeout = null)
    {
        this.connection = connection ?? throw new ArgumentNullException(nameof(connection));
        connectionName = connection.Name;
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.oauthFor = oauthFor ?? throw new ArgumentNullException(nameof(oauthFor));
        this.lockPath = lockPath ?? throw new ArgumentNullException(nameof(lockPath));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        this.lockTimeout = lockTimeout ?? DefaultLockTimeout;
    }

    /// <summary>When the access token in use (or in the store) expires; null when there is none.</summary>
    public DateTimeOffset? ExpiresOn => (Volatile.Read(ref current) ?? store.Read(connectionName))?.ExpiresOn;

    /// <summary>How long before expiry a token is replaced: 5 minutes, or a tenth of its lifetime when that is less.</summary>
    public static TimeSpan RefreshMargin(TokenSet tokens)
    {
        TimeSpan tenth = TimeSpan.FromTicks(Math.Max(0, tokens.Lifetime.Ticks / 10));
        return tenth < MaxRefreshMargin ? tenth : MaxRefreshMargin;
    }

    public static bool NeedsRefresh(TokenSet tokens, DateTimeOffset now) => now >= tokens.ExpiresOn - RefreshMargin(tokens);

    public async Task<string> GetAccessTokenAsync(Action<string>? log, CancellationToken cancellationToken)
    {
        TokenSet tokens = Volatile.Read(ref current) ?? ReadStore();
        Volatile.Write(ref current, tokens);
        if (!NeedsRefresh(tokens, time.GetUtcNow()))
        {
            return tokens.AccessToken;
        }

        return (await RefreshAsync(null, log, cancellationToken).ConfigureAwait(false)).AccessToken;
    }

    public async Task<string> RefreshAfterRejectionAsync(string rejectedToken, Action<string>? log, CancellationToken cancellationToken) =>
        (await RefreshAsync(rejectedToken, log, cancellationToken).ConfigureAwait(false)).AccessToken;

    /// <summary>Forgets the cached tokens: the next use reads the store.</summary>
    public void Reset() => Volatile.Write(ref current, null);

    private async Task<TokenSet> RefreshAsync(string? rejectedToken, Action<string>? log, CancellationToken cancellationToken)
    {
        await refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task<TokenSet>? handedOff = null;
        try
        {
            // Another caller of this manager may have refreshed while this one waited.
            TokenSet? cached = Volatile.Read(ref current);
            if (cached is not null && IsUsable(cached, rejectedToken))
            {
                return cached;
            }

            CrossProcessLock held;
            try
            {
                held = await CrossProcessLock.AcquireAsync(lockPath, lockTimeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                throw new ConnectionException(
                    ConnectionErrorIds.TokenStoreBusy, ConnectionErrorKind.ResourceBusy,
                    $"Could not refresh the token of connection '{connectionName}': {ex.Message}", connectionName, ex);
            }

            try
            {
                TokenSet stored = ReadStore();
                if (IsUsable(stored, rejectedToken))
                {
                    log?.Invoke($"Connection '{connectionName}': another session has refreshed the access token already; using it.");
                    Volatile.Write(ref current, stored);
                    return stored;
                }

                // The request is never cancelled once it left (see RefreshLockedAsync), but the caller need not wait for
                // it: a run's deadline or Ctrl+C ends the wait, while the request goes on to its own bound, still holding
                // the locks, and saves whatever answer comes.
                handedOff = FinishRefreshAsync(RefreshLockedAsync(stored, rejectedToken is not null, log), held);
            }
            finally
            {
                if (handedOff is null)
                {
                    held.Dispose();
                }
            }
        }
        finally
        {
            if (handedOff is null)
            {
                refreshGate.Release();
            }
        }

        return await WaitAsync(handedOff, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps the answer and lets the locks go once the refresh has ended, however the caller fared.</summary>
    private async Task<TokenSet> FinishRefreshAsync(Task<TokenSet> refresh, CrossProcessLock held)
    {
        try
        {
            TokenSet next = await refresh.ConfigureAwait(false);
            Volatile.Write(ref current, next);
            return next;
        }
        finally
        {
            held.Dispose();
            refreshGate.Release();
        }
    }

    private static async Task<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled && !task.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    // Nobody waits for it any more: its failure, if any, is observed here, not left to the finalizer.
                    _ = task.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>
    /// Takes room for the answer in the secret store, spends the stored refresh token and saves the answer. Nothing is
    /// asked when the room cannot be taken (a full disk): the server would rotate the refresh token, and an answer that
    /// cannot be saved would lose the connection. Not cancellable once the request has left, for the same reason, but
    /// bounded: a server that does not answer within <see cref="RefreshRequestTimeout"/> fails TokenRequestTimeout.
    /// </summary>
    private async Task<TokenSet> RefreshLockedAsync(TokenSet stored, bool rejected, Action<string>? log)
    {
        TokenStore.PendingWrite pending;
        try
        {
            pending = store.Reserve(connectionName);
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException)
        {
            throw new ConnectionException(
                ConnectionErrorIds.TokenStoreUnwritable, ConnectionErrorKind.WriteError,
                $"The access token of connection '{connectionName}' was not refreshed: the new tokens could not be made room for in the secret store "
                + $"'{System.IO.Path.GetDirectoryName(store.PathFor(connectionName))}' ({ex.Message}). Nothing was asked of the authorization server, so the stored "
                + "refresh token is not spent and the connection still works once there is room: free disk space (or make the folder writable) and run the command again.",
                connectionName, ex);
        }

        using (pending)
        {
            log?.Invoke(rejected
                ? $"Connection '{connectionName}': refreshing the access token, which the API refused."
                : $"Connection '{connectionName}': refreshing the access token, which expires at {stored.ExpiresOn.ToLocalTime():T}.");
            TokenResponse response;
            using (CancellationTokenSource timeout = time.CreateCancellationTokenSource(RefreshRequestTimeout))
            {
                try
                {
                    response = await oauthFor(stored.ClientSecret).RefreshAsync(stored.RefreshToken, log, timeout.Token).ConfigureAwait(false);
                }
                catch (ConstantContactApiException ex) when (ex.ErrorKey is "invalid_grant" or "invalid_client" or "unauthorized_client")
                {
                    throw new ConnectionException(
                        ConnectionErrorIds.RefreshTokenRejected, ConnectionErrorKind.AuthenticationError,
                        RefreshRefusedMessage(connectionName, ex.ErrorKey),
                        connectionName, ex);
                }
                catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
                {
                    throw new ConnectionException(
                        ConnectionErrorIds.TokenRequestTimeout, ConnectionErrorKind.Timeout,
                        $"The authorization server did not answer the token refresh of connection '{connectionName}' within {RefreshRequestTimeout.TotalSeconds:0} s. "
                        + "The stored tokens are unchanged; try again later (Test-CCConnection checks the connection).",
                        connectionName, ex);
                }
            }

            TokenSet next = stored.Refreshed(response, time.GetUtcNow());
            pending.Save(next);
            return next;
        }
    }

    /// <summary>
    /// Why a stored refresh token stops working, most likely first: with rotating refresh tokens, a newer sign-in
    /// with the same application (New-CCConnection run again, here or on another computer, or another tool using
    /// the same API key) can end the tokens issued before it.
    /// </summary>
    internal static string RefreshRefusedMessage(string connectionName, string? errorKey) =>
        $"Constant Contact refused the refresh token of connection '{connectionName}' ({errorKey}). With rotating refresh tokens a newer "
        + "sign-in with the same application (API key) can end the tokens of older ones; a token also ends when it is revoked, unused for 180 days, "
        + "or spent by a copy of this connection elsewhere. Sign in again: "
        + $"New-CCConnection -Name '{connectionName}' -ClientId <the application's API key> -Force";

    private bool IsUsable(TokenSet tokens, string? rejectedToken) =>
        !string.Equals(tokens.AccessToken, rejectedToken, StringComparison.Ordinal) && !NeedsRefresh(tokens, time.GetUtcNow());

    private TokenSet ReadStore()
    {
        TokenSet? tokens;
        try
        {
            tokens = store.ReadFor(connection);
        }
        catch (System.IO.InvalidDataException ex)
        {
            throw new ConnectionException(
                ConnectionErrorIds.TokenMissing, ConnectionErrorKind.InvalidData, ex.Message + " (New-CCConnection -Force replaces it.)", connectionName, ex);
        }

        return tokens ?? throw new ConnectionException(
            ConnectionErrorIds.TokenMissing, ConnectionErrorKind.NotFound,
            $"Connection '{connectionName}' has no stored tokens (they may belong to another user account, or were deleted). Run New-CCConnection -Force to sign in again.",
            connectionName);
    }
}
