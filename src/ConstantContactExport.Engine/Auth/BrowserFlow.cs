using System;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Connections;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// The authorization code grant with PKCE S256 on a loopback redirect (RFC 8252): the browser signs the person
/// in and comes back to <see cref="LoopbackRedirectListener"/> with a code, which is redeemed with the verifier.
/// </summary>
public sealed class BrowserFlow
{
    /// <summary>How long the person has to finish signing in.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The redirect URI used when none is given, and the one docs/connections.md tells you to register with the
    /// application: the server takes only registered redirect URIs, compared exactly.
    /// </summary>
    public static readonly Uri DefaultRedirectUri = new("http://127.0.0.1:8765/callback");

    private readonly OAuthClient client;
    private readonly TimeProvider time;

    public BrowserFlow(OAuthClient client, TimeProvider time)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>
    /// Runs the sign-in: <paramref name="present"/> opens the authorization URI in a browser and/or shows it to
    /// the person; the answer must come back to <paramref name="redirectUri"/> (registered with the application)
    /// within <paramref name="timeout"/>.
    /// </summary>
    public async Task<TokenResponse> RunAsync(Uri redirectUri, Action<Uri> present, TimeSpan timeout, Action<string>? log, CancellationToken cancellationToken)
    {
        PkceChallenge pkce = PkceChallenge.Create();
        string state = PkceChallenge.RandomText(24);
        using LoopbackRedirectListener listener = Listen(redirectUri);
        log?.Invoke($"Waiting for the browser's answer at {listener.RedirectUri}.");
        present(AuthorizationUri(client.Endpoints, client.ClientId, listener.RedirectUri, state, pkce));

        AuthorizationCallback callback;
        using (CancellationTokenSource deadline = time.CreateCancellationTokenSource(timeout))
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token))
        {
            try
            {
                callback = await listener.WaitAsync(state, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ConnectionException(
                    ConnectionErrorIds.AuthorizationExpired, ConnectionErrorKind.Timeout,
                    $"No sign-in came back from the browser within {timeout.TotalMinutes:0} minutes. Run New-CCConnection again, or use the device flow (leave out -Browser).");
            }
        }

        if (callback.Error is not null)
        {
            bool denied = callback.Error == "access_denied";
            throw new ConnectionException(
                denied ? ConnectionErrorIds.AuthorizationDenied : ConnectionErrorIds.AuthorizationFailed,
                denied ? ConnectionErrorKind.PermissionDenied : ConnectionErrorKind.AuthenticationError,
                denied
                    ? "The sign-in was refused: access was declined for this application, so no connection was created."
                    : $"The authorization server refused the sign-in: {callback.Error}{(callback.ErrorDescription is null ? string.Empty : " (" + Http.SecretRedactor.Redact(callback.ErrorDescription) + ")")}.");
        }

        return await client.RedeemAuthorizationCodeAsync(callback.Code!, pkce.Verifier, listener.RedirectUri, log, cancellationToken).ConfigureAwait(false);
    }

    public static Uri AuthorizationUri(OAuthEndpoints endpoints, string clientId, Uri redirectUri, string state, PkceChallenge pkce)
    {
        string query = string.Join("&", new[]
        {
            "response_type=code",
            "client_id=" + Uri.EscapeDataString(clientId),
            // The text as registered: the server compares it exactly, so no normalizing (a trailing '/' added).
            "redirect_uri=" + Uri.EscapeDataString(redirectUri.OriginalString),
            "scope=" + Uri.EscapeDataString(OAuthScopes.Requested),
            "state=" + Uri.EscapeDataString(state),
            "code_challenge=" + Uri.EscapeDataString(pkce.Challenge),
            "code_challenge_method=" + PkceChallenge.Method,
        });
        return new Uri(endpoints.Authorize.AbsoluteUri + "?" + query);
    }

    private static LoopbackRedirectListener Listen(Uri redirectUri)
    {
        try
        {
            return LoopbackRedirectListener.Start(redirectUri);
        }
        catch (ArgumentException ex)
        {
            throw new ConnectionException(ConnectionErrorIds.InvalidRedirectUri, ConnectionErrorKind.InvalidArgument, ex.Message + " Give -RedirectUri as registered with the application.", innerException: ex);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new ConnectionException(
                ConnectionErrorIds.RedirectPortInUse, ConnectionErrorKind.ResourceBusy,
                $"Cannot listen for the sign-in answer at {redirectUri.OriginalString}: port {redirectUri.Port} is in use on this computer ({ex.SocketErrorCode}). "
                + "Close what uses it, or register another loopback redirect URI with the application and give it with -RedirectUri.",
                innerException: ex);
        }
    }
}
