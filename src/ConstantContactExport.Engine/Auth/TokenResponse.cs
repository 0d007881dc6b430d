using System;
using System.Globalization;
using System.Text.Json;

namespace ConstantContactExport.Engine.Auth;

/// <summary>A successful token endpoint answer (RFC 6749 §5.1). <see cref="ToString"/> shows no token.</summary>
public sealed class TokenResponse
{
    public TokenResponse(string accessToken, string? refreshToken, TimeSpan? expiresIn, string? scope)
    {
        AccessToken = accessToken;
        RefreshToken = refreshToken;
        ExpiresIn = expiresIn;
        Scope = scope;
    }

    public string AccessToken { get; }

    /// <summary>Null when the grant has none (no offline_access), or a long-lived refresh token was not re-sent.</summary>
    public string? RefreshToken { get; }

    public TimeSpan? ExpiresIn { get; }

    public string? Scope { get; }

    public static TokenResponse Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        string accessToken = root.TryGetProperty("access_token", out JsonElement access) && access.ValueKind == JsonValueKind.String
            ? access.GetString()!
            : throw new FormatException("The token endpoint's answer has no access_token.");
        TimeSpan? expiresIn = null;
        if (root.TryGetProperty("expires_in", out JsonElement expires))
        {
            // A number by the RFC; some servers send a string.
            if (expires.ValueKind == JsonValueKind.Number && expires.TryGetDouble(out double seconds))
            {
                expiresIn = TimeSpan.FromSeconds(seconds);
            }
            else if (expires.ValueKind == JsonValueKind.String
                && double.TryParse(expires.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
            {
                expiresIn = TimeSpan.FromSeconds(seconds);
            }
        }

        return new TokenResponse(accessToken, Text(root, "refresh_token"), expiresIn, Text(root, "scope"));
    }

    public override string ToString() => $"Token response (expires in {ExpiresIn?.TotalSeconds ?? 0:0} s, scope '{Scope}')";

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()
            : null;
}
