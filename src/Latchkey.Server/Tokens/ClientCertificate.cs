using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Latchkey.Server.Tokens;

/// <summary>A TLS client certificate (RFC 8705 mutual TLS) from the PEM certificate and PEM private key the end user gave.</summary>
public static class ClientCertificate
{
    /// <summary>The certificate with its key, or null when the two are not a readable, matching PEM pair.</summary>
    public static X509Certificate2? Load(string certificatePem, string privateKeyPem)
    {
        try
        {
            // A form's single-line input drops the PEM's line breaks; the base64 between the boundaries still reads.
            return X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            // The exception never carries key material, but it is not passed on either: a fixed message is enough.
            return null;
        }
    }

    public static bool IsUsable(string certificatePem, string privateKeyPem)
    {
        using var certificate = Load(certificatePem, privateKeyPem);
        return certificate is not null;
    }
}
