using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// The redirect target of the browser sign-in (RFC 8252 §7.3): a listener on a loopback address at the port and
/// path of the redirect URI registered with the application, serving exactly one thing, the authorization answer.
/// The authorization server matches redirect URIs exactly, so the port is fixed, not picked by the system (port 0,
/// for tests, still lets the system pick). A plain TcpListener rather than HttpListener, which on Windows needs a
/// URL reservation (or an administrator) for most prefixes. Requests whose <c>state</c> is not this sign-in's are
/// refused and ignored, so a page that finds the port cannot end it.
/// </summary>
public sealed class LoopbackRedirectListener : IDisposable
{
    private const int MaxRequestHeadBytes = 16 * 1024;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener listener;
    private readonly string path;

    private LoopbackRedirectListener(TcpListener listener, Uri requested)
    {
        this.listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        path = requested.AbsolutePath;
        // Exactly as given (the server compares text), with the real port when the system picked it.
        RedirectUri = requested.Port == 0
            ? new Uri($"{requested.Scheme}://{requested.Host}:{Port}{requested.AbsolutePath}")
            : new Uri(requested.OriginalString, UriKind.Absolute);
    }

    public int Port { get; }

    /// <summary>What the authorization request and the code redemption name as redirect_uri.</summary>
    public Uri RedirectUri { get; }

    /// <summary>The redirect_uri text, exactly as registered: what the server compares.</summary>
    public string RedirectUriText => RedirectUri.OriginalString;

    /// <summary>
    /// Checks a redirect URI for a loopback sign-in: http, a loopback host (127.0.0.1, [::1] or localhost), an
    /// explicit port, no query or fragment. Returns the problem, or null when it is usable.
    /// </summary>
    public static string? Problem(Uri redirectUri)
    {
        if (redirectUri is null || !redirectUri.IsAbsoluteUri)
        {
            return "it is not an absolute URI";
        }

        if (redirectUri.Scheme != Uri.UriSchemeHttp)
        {
            return "it must start with http:// (the browser comes back to this computer, RFC 8252 §7.3)";
        }

        // Only the addresses the listener binds: 127.0.0.2 is loopback too, but nothing would answer there.
        if (redirectUri.Host is not ("127.0.0.1" or "[::1]" or "localhost"))
        {
            return "its host must be 127.0.0.1, [::1] or localhost: PowerShell listens on this computer for the answer";
        }

        if (redirectUri.IsDefaultPort)
        {
            return "it needs a port, such as http://127.0.0.1:8765/callback";
        }

        if (redirectUri.Query.Length > 0 || redirectUri.Fragment.Length > 0)
        {
            return "it must not carry a query or a fragment";
        }

        return null;
    }

    /// <summary>Listens at the redirect URI's loopback address, port and path.</summary>
    /// <exception cref="ArgumentException">The URI is not a usable loopback redirect.</exception>
    /// <exception cref="SocketException">The port is taken.</exception>
    public static LoopbackRedirectListener Start(Uri redirectUri)
    {
        if (Problem(redirectUri) is { } problem)
        {
            throw new ArgumentException($"'{redirectUri}' cannot be the redirect URI: {problem}.", nameof(redirectUri));
        }

        IPAddress address = redirectUri.HostNameType == UriHostNameType.IPv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        var listener = new TcpListener(address, redirectUri.Port);
        listener.Start();
        return new LoopbackRedirectListener(listener, redirectUri);
    }

    /// <summary>Serves requests until one carries <paramref name="expectedState"/> with a code or an error.</summary>
    public async Task<AuthorizationCallback> WaitAsync(string expectedState, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() => listener.Stop()))
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when ((ex is ObjectDisposedException or SocketException or InvalidOperationException) && cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                using (client)
                {
                    AuthorizationCallback? callback = await ServeAsync(client, path, expectedState).ConfigureAwait(false);
                    if (callback is not null)
                    {
                        return callback;
                    }
                }
            }
        }
    }

    public void Dispose() => listener.Stop();

    private static async Task<AuthorizationCallback?> ServeAsync(TcpClient client, string expectedPath, string expectedState)
    {
        NetworkStream stream = client.GetStream();
        client.ReceiveTimeout = (int)ReadTimeout.TotalMilliseconds;
        client.SendTimeout = (int)ReadTimeout.TotalMilliseconds;
        string? target;
        try
        {
            // Blocking reads with a socket timeout work alike on .NET Framework and .NET; a client that
            // never finishes its request costs ten seconds of one pool thread, not the sign-in.
            target = await Task.Run(() => ReadRequestTarget(stream)).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return null;
        }

        if (target is null || !target.StartsWith("/", StringComparison.Ordinal))
        {
            Respond(stream, 400, "Bad request", "This address only takes the sign-in answer.");
            return null;
        }

        int question = target.IndexOf('?');
        string path = question < 0 ? target : target.Substring(0, question);
        if (path != expectedPath)
        {
            Respond(stream, 404, "Not found", "This address only takes the sign-in answer.");
            return null;
        }

        Dictionary<string, string> query = ParseQuery(question < 0 ? string.Empty : target.Substring(question + 1));
        if (!query.TryGetValue("state", out string? state) || !FixedTimeEquals(state, expectedState))
        {
            Respond(stream, 400, "Sign-in answer refused",
                "This answer does not belong to the sign-in that PowerShell is waiting for (its state does not match), so it was ignored.");
            return null;
        }

        if (query.TryGetValue("error", out string? error))
        {
            query.TryGetValue("error_description", out string? description);
            Respond(stream, 200, "Sign-in not completed", "Constant Contact did not grant access. You can close this tab and return to PowerShell.");
            return new AuthorizationCallback(null, error, description);
        }

        if (!query.TryGetValue("code", out string? code) || code.Length == 0)
        {
            Respond(stream, 400, "Sign-in answer incomplete", "The answer carries no authorization code.");
            return null;
        }

        Respond(stream, 200, "Signed in", "PowerShell has the authorization. You can close this tab and return to PowerShell.");
        return new AuthorizationCallback(code, null, null);
    }

    /// <summary>The request target of a GET, from the request line; null when it is not a GET.</summary>
    private static string? ReadRequestTarget(Stream stream)
    {
        var head = new MemoryStream();
        var buffer = new byte[1024];
        while (head.Length < MaxRequestHeadBytes)
        {
            int read = stream.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                break;
            }

            head.Write(buffer, 0, read);
            if (EndsHead(head))
            {
                break;
            }
        }

        string text = Encoding.ASCII.GetString(head.ToArray());
        int lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        string requestLine = lineEnd < 0 ? text : text.Substring(0, lineEnd);
        string[] parts = requestLine.Split(' ');
        return parts.Length == 3 && parts[0] == "GET" && parts[2].StartsWith("HTTP/", StringComparison.Ordinal) ? parts[1] : null;
    }

    private static bool EndsHead(MemoryStream head)
    {
        byte[] bytes = head.GetBuffer();
        long length = head.Length;
        for (long i = Math.Max(0, length - 1027); i + 3 < length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return true;
            }
        }

        return false;
    }

    private static void Respond(Stream stream, int status, string title, string message)
    {
        string html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + WebUtility.HtmlEncode(title)
            + "</title></head><body style=\"font-family:sans-serif\"><h1>" + WebUtility.HtmlEncode(title) + "</h1><p>"
            + WebUtility.HtmlEncode(message) + "</p></body></html>";
        byte[] body = Encoding.UTF8.GetBytes(html);
        string reason = status switch { 200 => "OK", 404 => "Not Found", _ => "Bad Request" };
        string head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\n"
            + "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n";
        try
        {
            byte[] headBytes = Encoding.ASCII.GetBytes(head);
            stream.Write(headBytes, 0, headBytes.Length);
            stream.Write(body, 0, body.Length);
            stream.Flush();
        }
        catch (IOException)
        {
            // The browser went away; the answer was read all the same.
        }
    }

    internal static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            int equals = pair.IndexOf('=');
            string name = Decode(equals < 0 ? pair : pair.Substring(0, equals));
            string value = equals < 0 ? string.Empty : Decode(pair.Substring(equals + 1));
            if (!result.ContainsKey(name))
            {
                result[name] = value;
            }
        }

        return result;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static bool FixedTimeEquals(string a, string b)
    {
        byte[] left = Encoding.UTF8.GetBytes(a);
        byte[] right = Encoding.UTF8.GetBytes(b);
        if (left.Length != right.Length)
        {
            return false;
        }

        int difference = 0;
        for (int i = 0; i < left.Length; i++)
        {
            difference |= left[i] ^ right[i];
        }

        return difference == 0;
    }
}
