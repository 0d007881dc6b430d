using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Connections;

/// <summary>
/// Connection files: <c>connections/&lt;name&gt;.json</c>, plain JSON an admin can read and diff, without
/// secrets. Names are matched without regard to case (as PowerShell users expect), and a file keeps the
/// case it was created with.
/// </summary>
public sealed class ConnectionStore
{
    private const int FormatVersion = 1;

    public ConnectionStore(StoragePaths paths)
    {
        Paths = paths ?? throw new ArgumentNullException(nameof(paths));
    }

    public StoragePaths Paths { get; }

    public string PathFor(string name) => Path.Combine(Paths.Connections, SafeName.Check(name, "connection") + ".json");

    /// <summary>Every readable connection, by name. A damaged file is reported to <paramref name="warn"/> and skipped.</summary>
    public IReadOnlyList<ConnectionInfo> List(Action<string>? warn = null)
    {
        var result = new List<ConnectionInfo>();
        foreach (string file in Files())
        {
            try
            {
                result.Add(Read(file));
            }
            catch (ConnectionException ex)
            {
                warn?.Invoke(ex.Message);
            }
        }

        return result.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The connection of that name (any case), or null.</summary>
    public ConnectionInfo? Find(string name)
    {
        if (SafeName.Problem(name) is not null)
        {
            return null;
        }

        string? file = Files().FirstOrDefault(f => string.Equals(Path.GetFileNameWithoutExtension(f), name, StringComparison.OrdinalIgnoreCase));
        return file is null ? null : Read(file);
    }

    /// <summary>The connection of that name, or a <see cref="ConnectionException"/> (ConnectionNotFound) that lists the others.</summary>
    public ConnectionInfo Get(string name)
    {
        ConnectionInfo? found = Find(name);
        if (found is not null)
        {
            return found;
        }

        IReadOnlyList<string> names = Files().Select(Path.GetFileNameWithoutExtension).ToList()!;
        string others = names.Count == 0
            ? "No connection exists yet; create one with New-CCConnection."
            : "Connections: " + string.Join(", ", names) + ".";
        throw new ConnectionException(ConnectionErrorIds.ConnectionNotFound, ConnectionErrorKind.NotFound,
            $"There is no connection named '{Profiles.TextChecks.Printable(name)}' in '{Paths.Connections}'. {others}", name);
    }

    /// <summary>
    /// Writes the connection's file. Replacing a connection keeps its name's case (the caller passes the
    /// existing name), so that one connection is one file on every file system, case-sensitive or not.
    /// </summary>
    public void Save(ConnectionInfo connection)
    {
        PrivateFiles.CreateFolder(Paths.Connections);
        ConnectionInfo? existing = Find(connection.Name);
        if (existing is not null && existing.Name != connection.Name)
        {
            throw new ArgumentException($"A connection '{existing.Name}' exists; replace it under that name, not '{connection.Name}'.");
        }

        AtomicFile.Write(PathFor(connection.Name), Serialize(connection));
    }

    public bool Delete(string name)
    {
        ConnectionInfo? existing = Find(name);
        if (existing is null)
        {
            return false;
        }

        AtomicFile.Delete(PathFor(existing.Name));
        return true;
    }

    private IEnumerable<string> Files() =>
        Directory.Exists(Paths.Connections)
            ? Directory.EnumerateFiles(Paths.Connections, "*.json").Where(f => SafeName.Problem(Path.GetFileNameWithoutExtension(f)) is null)
            : Enumerable.Empty<string>();

    private static byte[] Serialize(ConnectionInfo connection)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("Version", FormatVersion);
            writer.WriteString("Name", connection.Name);
            writer.WriteString("DisplayName", connection.DisplayName);
            writer.WriteString("ApiBaseUri", connection.ApiBaseUri.AbsoluteUri);
            writer.WriteString("AuthBaseUri", connection.AuthBaseUri.AbsoluteUri);
            writer.WriteString("ClientId", connection.ClientId);
            writer.WriteString("CreatedBy", connection.CreatedBy);
            writer.WriteString("CreatedOn", connection.CreatedOn.ToString("o", CultureInfo.InvariantCulture));
            writer.WriteStartArray("ExportUsers");
            foreach (string user in connection.ExportUsers)
            {
                writer.WriteStringValue(user);
            }

            writer.WriteEndArray();
            if (connection.DataPrivacyNoticeAcceptedOn is { } accepted)
            {
                writer.WriteString("DataPrivacyNoticeAcceptedOn", accepted.ToString("o", CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static ConnectionInfo Read(string file)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(file));
            JsonElement root = document.RootElement;
            string name = Text(root, "Name") ?? Path.GetFileNameWithoutExtension(file);
            var users = new List<string>();
            if (root.TryGetProperty("ExportUsers", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                users.AddRange(list.EnumerateArray().Where(u => u.ValueKind == JsonValueKind.String).Select(u => u.GetString()!));
            }

            return new ConnectionInfo(
                name,
                Text(root, "DisplayName"),
                Endpoint(file, root, "ApiBaseUri"),
                Endpoint(file, root, "AuthBaseUri"),
                Text(root, "ClientId") ?? throw new FormatException("ClientId is missing."),
                Text(root, "CreatedBy") ?? string.Empty,
                Date(root, "CreatedOn") ?? DateTimeOffset.MinValue,
                users,
                Date(root, "DataPrivacyNoticeAcceptedOn"));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or UriFormatException or IOException or UnauthorizedAccessException)
        {
            throw new ConnectionException(ConnectionErrorIds.ConnectionFileDamaged, ConnectionErrorKind.InvalidData,
                $"The connection file '{file}' cannot be read: {ex.Message}", file, ex);
        }
    }

    /// <summary>
    /// A base URI as the file holds it, under the rule New-CCConnection applies: the file is plain JSON that can be
    /// edited, and an endpoint on plain http off loopback would carry the bearer token across the network in clear.
    /// </summary>
    private static Uri Endpoint(string file, JsonElement root, string name)
    {
        var uri = new Uri(Text(root, name) ?? throw new FormatException(name + " is missing."), UriKind.Absolute);
        try
        {
            ConnectionEndpoints.Check(uri, name);
        }
        catch (ConnectionException ex)
        {
            throw new ConnectionException(ex.ErrorId, ex.Kind, $"The connection file '{file}' is refused: {ex.Message}", file, ex);
        }

        return uri;
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Date(JsonElement root, string name) =>
        Text(root, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset value)
            ? value
            : null;
}
