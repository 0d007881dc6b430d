using System;
using System.Text.Json;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// The device authorization answer (RFC 8628 §3.2). The device code redeems tokens, so it is a secret too and
/// <see cref="ToString"/> leaves it out; the user code and the verification URI are for the person.
/// </summary>
public sealed class DeviceAuthorization
{
    public DeviceAuthorization(string deviceCode, string userCode, Uri verificationUri, Uri? verificationUriComplete, TimeSpan expiresIn, TimeSpan interval)
    {
        DeviceCode = deviceCode;
        UserCode = userCode;
        VerificationUri = verificationUri;
        VerificationUriComplete = verificationUriComplete;
        ExpiresIn = expiresIn;
        Interval = interval;
    }

    public string DeviceCode { get; }

    public string UserCode { get; }

    public Uri VerificationUri { get; }

    public Uri? VerificationUriComplete { get; }

    public TimeSpan ExpiresIn { get; }

    /// <summary>The polling interval; 5 seconds when the server names none (RFC 8628 §3.2).</summary>
    public TimeSpan Interval { get; }

    public static DeviceAuthorization Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        string deviceCode = Required(root, "device_code");
        string userCode = Required(root, "user_code");
        var verification = new Uri(Required(root, "verification_uri"), UriKind.Absolute);
        Uri? complete = Text(root, "verification_uri_complete") is { } text && Uri.TryCreate(text, UriKind.Absolute, out Uri? parsed) ? parsed : null;
        TimeSpan expiresIn = TimeSpan.FromSeconds(Number(root, "expires_in") ?? 600);
        TimeSpan interval = TimeSpan.FromSeconds(Number(root, "interval") is { } seconds && seconds > 0 ? seconds : 5);
        return new DeviceAuthorization(deviceCode, userCode, verification, complete, expiresIn, interval);
    }

    public override string ToString() => $"Device authorization (user code {UserCode} at {VerificationUri})";

    private static string Required(JsonElement root, string name) =>
        Text(root, name) ?? throw new FormatException($"The device authorization answer has no {name}.");

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number)
            ? number
            : null;
}
