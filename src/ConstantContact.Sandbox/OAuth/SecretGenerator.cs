using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace ConstantContact.Sandbox.OAuth;

/// <summary>
/// Opaque random strings for tokens and codes. Cryptographic randomness on purpose: the seedable
/// generator is for faults only, and tokens must not repeat between two sandboxes started with one seed.
/// </summary>
public static class SecretGenerator
{
    // Real access tokens are JWTs of about 1,000 characters; 750 random bytes give 1,000 base64url characters,
    // so header and storage limits in a client meet the size they will meet in production.
    public static string AccessToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(750));

    public static string RefreshToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(30));

    public static string Code() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>A user code like Okta's: 8 letters without look-alikes, shown as XXXX-XXXX.</summary>
    public static string UserCode()
    {
        const string Alphabet = "BCDFGHJKLMNPQRSTVWXZ";
        Span<char> chars = stackalloc char[9];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = i == 4 ? '-' : Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }
}
