using System.Security.Cryptography.X509Certificates;

namespace Latchkey.TestKit;

/// <summary>
/// A client-credentials token endpoint that authenticates the client by its TLS client certificate alone (mutual TLS,
/// RFC 8705 §2): only on the HTTPS listener, only for the one certificate it issued, and with no client secret.
/// </summary>
public sealed partial class FakeProvider
{
    private int _clientCertificateTokenCalls;

    /// <summary>The client certificate the mTLS endpoint accepts, and its key (PEM).</summary>
    public (string CertificatePem, string PrivateKeyPem) GoodClientCertificate { get; } = FakeTls.ClientCertificatePair("fake-mtls-client");

    /// <summary>Requests at the mTLS endpoint that presented the good certificate and got a token.</summary>
    public int ClientCertificateTokenCalls => _clientCertificateTokenCalls;

    /// <summary>The thumbprint of the certificate the last mTLS request presented, if any.</summary>
    public string? LastPresentedThumbprint { get; private set; }

    private void MapClientCertificateToken(WebApplication app) => app.MapPost("/mtls/token", async (HttpRequest request) =>
    {
        var presented = await request.HttpContext.Connection.GetClientCertificateAsync();
        LastPresentedThumbprint = presented?.Thumbprint;
        using var good = X509Certificate2.CreateFromPem(GoodClientCertificate.CertificatePem);
        var form = (await request.ReadFormAsync()).ToDictionary(pair => pair.Key, pair => pair.Value.ToString());
        LastTokenForm = form;
        if (!request.IsHttps || presented is null || presented.Thumbprint != good.Thumbprint)
        {
            return Error("invalid_client", "unknown client certificate", 401);
        }

        if (form.GetValueOrDefault("client_id") != ClientId || form.ContainsKey("client_secret") || form.GetValueOrDefault("grant_type") != "client_credentials")
        {
            return Error("invalid_request", "expected client_credentials for the certificate's client, without a secret");
        }

        Interlocked.Increment(ref _clientCertificateTokenCalls);
        return IssueTokens(form.GetValueOrDefault("scope") ?? "", withRefreshToken: false);
    });
}
