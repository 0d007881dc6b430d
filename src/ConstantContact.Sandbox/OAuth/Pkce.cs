using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace ConstantContact.Sandbox.OAuth;

/// <summary>RFC 7636 with S256 only: the plain method gives no protection, so the sandbox refuses it.</summary>
public static class Pkce
{
    public static bool IsValidVerifier(string verifier) =>
        verifier.Length is >= 43 and <= 128
        && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public static bool Matches(string verifier, string challenge)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(verifier));
        var computed = WebEncoders.Base64UrlEncode(hash);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }
}
