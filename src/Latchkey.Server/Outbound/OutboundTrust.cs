using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Latchkey.Server.Outbound;

/// <summary>
/// Which server certificates outbound TLS accepts: the system's roots always, plus the roots of
/// <see cref="OutboundOptions.TrustedCertificatesFile"/> when one is configured. Host name checks are never relaxed.
/// </summary>
public sealed class OutboundTrust
{
    private readonly X509Certificate2Collection _extraRoots = [];

    public OutboundTrust(string? trustedCertificatesFile)
    {
        if (!string.IsNullOrWhiteSpace(trustedCertificatesFile))
        {
            _extraRoots.ImportFromPemFile(trustedCertificatesFile);
        }
    }

    /// <summary>The validation callback, or null to leave the platform's validation untouched.</summary>
    public RemoteCertificateValidationCallback? Callback => _extraRoots.Count == 0 ? null : Validate;

    /// <summary>Why a trusted-certificates file cannot be used, or null when it can (checked at start-up).</summary>
    public static string? Problem(string? file)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            return null;
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(file);
            return certificates.Count == 0 ? $"LATCHKEY_OUTBOUND_TRUSTED_CERTIFICATES: {file} holds no PEM certificate." : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"LATCHKEY_OUTBOUND_TRUSTED_CERTIFICATES: {file} cannot be read as PEM certificates ({exception.GetType().Name}).";
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only an untrusted chain may be rescued by the extra roots; a wrong host name or a missing certificate may not.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        // Private roots rarely publish revocation lists; the operator chose to trust these roots by name.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }
}
