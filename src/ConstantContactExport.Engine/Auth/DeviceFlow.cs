using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Http;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// The device authorization grant (RFC 8628): ask for a code, show it to the person, poll the token endpoint
/// at the server's interval until they approve, refuse, or the code expires. <c>slow_down</c> adds 5 seconds
/// to the interval for good (§3.5); it comes as a 400 (RFC 8628 §3.5) or a 429, and a 429 without it (the token
/// endpoint's own 1-a-second limit) means the same: poll more slowly. A brief network failure or 5xx while polling is tried again: the person may
/// be half way through signing in.
/// </summary>
public sealed class DeviceFlow
{
    public static readonly TimeSpan SlowDownStep = TimeSpan.FromSeconds(5);

    private const int MaxConsecutiveFailures = 3;

    private readonly OAuthClient client;
    private readonly TimeProvider time;

    public DeviceFlow(OAuthClient client, TimeProvider time)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Runs the flow: <paramref name="prompt"/> shows the verification URI and user code to the person (called
    /// once, on any thread); progress goes to <paramref name="log"/>.
    /// </summary>
    public async Task<TokenResponse> RunAsync(Action<DeviceAuthorization> prompt, Action<string>? log, CancellationToken cancellationToken)
    {
        DeviceAuthorization authorization = await client.StartDeviceAuthorizationAsync(OAuthScopes.Requested, log, cancellationToken).ConfigureAwait(false);
        prompt(authorization);

        long started = time.GetTimestamp();
        TimeSpan interval = authorization.Interval;
        int failures = 0;
        while (true)
        {
            await time.Delay(interval, cancellationToken).ConfigureAwait(false);
            if (time.GetElapsedTime(started) >= authorization.ExpiresIn)
            {
                throw Expired(authorization, null);
            }

            try
            {
                return await client.RequestDeviceTokenAsync(authorization.DeviceCode, log, cancellationToken).ConfigureAwait(false);
            }
            catch (ConstantContactApiException ex) when (ex.ErrorKey == "authorization_pending")
            {
                failures = 0;
            }
            catch (ConstantContactApiException ex) when (ex.ErrorKey == "slow_down" || ex.StatusCode == 429)
            {
                failures = 0;
                interval += SlowDownStep;
                log?.Invoke($"The authorization server asked to poll more slowly; polling every {interval.TotalSeconds:0} seconds now.");
            }
            catch (ConstantContactApiException ex) when (ex.ErrorKey == "expired_token")
            {
                throw Expired(authorization, ex);
            }
            catch (ConstantContactApiException ex) when (ex.ErrorKey == "access_denied")
            {
                throw new ConnectionException(
                    ConnectionErrorIds.AuthorizationDenied, ConnectionErrorKind.PermissionDenied,
                    "The sign-in was refused: the person at the browser declined access for this application, so no connection was created.",
                    innerException: ex);
            }
            catch (ConstantContactApiException ex) when (ex.StatusCode >= 500 && ++failures <= MaxConsecutiveFailures)
            {
                log?.Invoke($"Polling for the device code failed ({ex.StatusCode}); trying again.");
            }
            catch (HttpRequestException ex) when (++failures <= MaxConsecutiveFailures && !cancellationToken.IsCancellationRequested)
            {
                log?.Invoke($"Polling for the device code failed ({ex.Message}); trying again.");
            }
            catch (ConstantContactApiException ex)
            {
                throw new ConnectionException(
                    ConnectionErrorIds.AuthorizationFailed, ConnectionErrorKind.AuthenticationError,
                    $"The authorization server ended the device sign-in: {ex.Message}", innerException: ex);
            }
        }
    }

    private static ConnectionException Expired(DeviceAuthorization authorization, Exception? inner) => new(
        ConnectionErrorIds.AuthorizationExpired, ConnectionErrorKind.Timeout,
        $"The code {authorization.UserCode} expired before anyone approved it ({authorization.ExpiresIn.TotalMinutes:0} minutes). Run New-CCConnection again.",
        innerException: inner);
}
