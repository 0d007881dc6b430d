using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;

namespace ConstantContactExport.Engine.Storage;

/// <summary>
/// The one place a connection's secrets are kept: <c>secrets/&lt;name&gt;.token</c>. On Windows the file holds
/// a DPAPI blob for the current user; elsewhere plain JSON in a file of mode 0600 in a folder of mode 0700.
/// Every write replaces the whole file atomically, so a reader (another process refreshing at the same
/// moment) sees the old tokens or the new, never half of each.
/// </summary>
public sealed class TokenStore
{
    private const int FormatVersion = 1;

    private readonly StoragePaths paths;

    public TokenStore(StoragePaths paths)
    {
        this.paths = paths ?? throw new ArgumentNullException(nameof(paths));
    }

    public string PathFor(string connectionName) =>
        Path.Combine(paths.Secrets, SafeName.Check(connectionName, "connection") + ".token");

    /// <summary>
    /// The stored tokens, for a caller that will send them to <paramref name="connection"/>'s endpoints: null when the
    /// connection has none; a <see cref="ConnectionException"/> when they were issued for other endpoints than the
    /// connection file names now (TokenEndpointMismatch), before anything is sent. Tokens stored before bindings
    /// existed (an older version) go only to Constant Contact's own endpoints, and are bound to them from then on;
    /// for any other endpoints they are refused (TokenNotBound): nothing can show which endpoints they came from.
    /// </summary>
    public TokenSet? ReadFor(ConnectionInfo connection)
    {
        if (connection is null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        TokenSet? tokens = Read(connection.Name);
        if (tokens is null)
        {
            return null;
        }

        var named = TokenBinding.For(connection);
        if (tokens.Binding is null)
        {
            if (named.Matches(TokenBinding.ConstantContact))
            {
                return tokens.BoundTo(named);
            }

            throw new ConnectionException(ConnectionErrorIds.TokenNotBound, ConnectionErrorKind.SecurityError,
                $"The tokens of connection '{connection.Name}' were stored by an older version, which did not record the endpoints they were issued for, "
                + $"and the connection file '{PathOfConnection(connection.Name)}' names endpoints other than Constant Contact's ({named.ApiBaseUri}, {named.TokenEndpoint}). "
                + "They are not sent there: an edited file could redirect them. Nothing was sent. If those endpoints are right, sign in again: "
                + $"New-CCConnection -Name '{connection.Name}' -ClientId {connection.ClientId} -ApiBaseUri {connection.ApiBaseUri} -AuthBaseUri {connection.AuthBaseUri} -Force",
                connection.Name);
        }

        if (!tokens.Binding.Matches(named))
        {
            throw new ConnectionException(ConnectionErrorIds.TokenEndpointMismatch, ConnectionErrorKind.SecurityError,
                $"The connection file '{PathOfConnection(connection.Name)}' names endpoints that the tokens of connection '{connection.Name}' were not issued for: "
                + $"API {named.ApiBaseUri} and token endpoint {named.TokenEndpoint}, where the tokens were issued for {tokens.Binding.ApiBaseUri} and {tokens.Binding.TokenEndpoint}. "
                + "The file was edited after the connection was made (by you, or by someone who wants the token and the contacts). Nothing was sent. "
                + "Put the endpoints back in the file, or, to use the new ones, sign in to them: "
                + $"New-CCConnection -Name '{connection.Name}' -ClientId {connection.ClientId} -ApiBaseUri {connection.ApiBaseUri} -AuthBaseUri {connection.AuthBaseUri} -Force",
                connection.Name);
        }

        return tokens;
    }

    /// <summary>The stored tokens as they are, bound or not, or null when the connection has none: for what sends nothing (an expiry shown).</summary>
    public TokenSet? Read(string connectionName)
    {
        string path = PathFor(connectionName);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        byte[] json = AtomicFile.IsWindows ? WindowsFileSystem.Unprotect(content) : content;
        try
        {
            return Parse(json, path);
        }
        finally
        {
            Array.Clear(json, 0, json.Length);
        }
    }

    /// <summary>
    /// Room taken in the secret store for the next tokens: at least this much, and far more than a token file holds
    /// (two JWTs and a DPAPI envelope are a few KiB).
    /// </summary>
    public const int ReservedBytes = 64 * 1024;

    public void Write(string connectionName, TokenSet tokens)
    {
        using PendingWrite pending = Reserve(connectionName, 0);
        pending.Save(tokens);
    }

    /// <summary>
    /// Takes room for the connection's next tokens (<see cref="ReservedBytes"/>) before they are asked for: a refresh
    /// spends the stored refresh token, so its answer must be certain to fit on disk before the request leaves.
    /// </summary>
    /// <exception cref="IOException">No room (a full disk) or the folder cannot be written: nothing was changed.</exception>
    public PendingWrite Reserve(string connectionName, int bytes = ReservedBytes)
    {
        string path = PathFor(connectionName);
        PrivateFiles.CreateFolder(paths.Secrets);

        return new PendingWrite(AtomicFile.Reserve(path, bytes));
    }

    /// <summary>The connection's next tokens, their room taken: saved once (atomically), or the room given back.</summary>
    public sealed class PendingWrite : IDisposable
    {
        private readonly AtomicFile.Reservation reservation;

        internal PendingWrite(AtomicFile.Reservation reservation)
        {
            this.reservation = reservation;
        }

        public void Save(TokenSet tokens)
        {
            if (tokens is null)
            {
                throw new ArgumentNullException(nameof(tokens));
            }

            byte[] json = Serialize(tokens);
            try
            {
                reservation.Commit(AtomicFile.IsWindows ? WindowsFileSystem.Protect(json) : json);
            }
            finally
            {
                Array.Clear(json, 0, json.Length);
            }
        }

        public void Dispose() => reservation.Dispose();
    }

    /// <summary>Deletes the connection's secrets; false when there were none.</summary>
    public bool Delete(string connectionName)
    {
        string path = PathFor(connectionName);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    private string PathOfConnection(string name) => new ConnectionStore(paths).PathFor(name);

    private static byte[] Serialize(TokenSet tokens)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteString("access_token", tokens.AccessToken);
            writer.WriteString("refresh_token", tokens.RefreshToken);
            writer.WriteString("issued_on", tokens.IssuedOn.ToString("o", CultureInfo.InvariantCulture));
            writer.WriteString("expires_on", tokens.ExpiresOn.ToString("o", CultureInfo.InvariantCulture));
            if (tokens.Scope is not null)
            {
                writer.WriteString("scope", tokens.Scope);
            }

            if (tokens.ClientSecret is not null)
            {
                writer.WriteString("client_secret", tokens.ClientSecret);
            }

            if (tokens.Binding is not null)
            {
                writer.WriteString("api_base_uri", tokens.Binding.ApiBaseUri);
                writer.WriteString("token_endpoint", tokens.Binding.TokenEndpoint);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static TokenSet Parse(byte[] json, string path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            return new TokenSet(
                Required(root, "access_token"),
                Required(root, "refresh_token"),
                DateTimeOffset.Parse(Required(root, "issued_on"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                DateTimeOffset.Parse(Required(root, "expires_on"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                Optional(root, "scope"),
                Optional(root, "client_secret"),
                Optional(root, "api_base_uri") is { } api && Optional(root, "token_endpoint") is { } token
                    ? new TokenBinding(new Uri(api, UriKind.Absolute), new Uri(token, UriKind.Absolute))
                    : null);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or UriFormatException)
        {
            // Never the content in the message: it is the secret.
            throw new InvalidDataException($"The token file '{path}' is damaged. Remove the connection and create it again.", ex);
        }
    }

    private static string Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"The member '{name}' is missing.");

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
