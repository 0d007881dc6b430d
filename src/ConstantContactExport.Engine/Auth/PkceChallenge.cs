using System;
using System.Security.Cryptography;
using System.Text;

namespace ConstantContactExport.Engine.Auth;

/// <summary>
/// Proof Key for Code Exchange (RFC 7636) with S256: a random verifier kept here, and its SHA-256 sent with the
/// authorization request, so a code intercepted on its way to the loopback listener is worthless to anyone else.
/// </summary>
public sealed class PkceChallenge
{
    public const string Method = "S256";

    private PkceChallenge(string verifier, string challenge)
    {
        Verifier = verifier;
        Challenge = challenge;
    }

    /// <summary>43 characters of base64url from 32 random bytes (the RFC's recommendation).</summary>
    public string Verifier { get; }

    public string Challenge { get; }

    public static PkceChallenge Create()
    {
        string verifier = RandomText(32);
        return new PkceChallenge(verifier, ChallengeOf(verifier));
    }

    public static string ChallengeOf(string verifier)
    {
        using SHA256 sha = SHA256.Create();
        return Base64Url(sha.ComputeHash(Encoding.ASCII.GetBytes(verifier)));
    }

    /// <summary>Unguessable text for <c>state</c> and verifiers.</summary>
    public static string RandomText(int bytes)
    {
        var buffer = new byte[bytes];
        using (RandomNumberGenerator random = RandomNumberGenerator.Create())
        {
            random.GetBytes(buffer);
        }

        return Base64Url(buffer);
    }

    public static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public override string ToString() => "PKCE " + Method;
}
