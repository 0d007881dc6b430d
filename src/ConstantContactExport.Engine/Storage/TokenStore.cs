using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using ConstantContactExport.Engine.Auth;

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

    /// <summary>The stored tokens, or null when the connection has none.</summary>
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
        if (AtomicFile.IsWindows)
        {
            Directory.CreateDirectory(paths.Secrets);
        }
        else
        {
            UnixFileSystem.CreatePrivateDirectory(paths.Secrets, UnixFileSystem.OwnerAll);
        }

        return new PendingWrite(AtomicFile.Reserve(path, bytes, ownerOnly: true));
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
                Optional(root, "client_secret"));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
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
