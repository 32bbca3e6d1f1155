using System.Text.Json.Nodes;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tokens;

/// <summary>
/// How a client authenticates at a token endpoint: its id and secret, and for OAUTH2_CC optionally a private key
/// (the <c>private_key_jwt</c> signing key, or the key of its certificate) and a TLS client certificate, both PEM or
/// (the key) a JWK. Never printed.
/// </summary>
public sealed record TokenClient(string Id, string Secret)
{
    /// <summary><c>client_private_key</c>: signs private_key_jwt assertions and belongs to <see cref="Certificate"/>.</summary>
    public string? PrivateKey { get; init; }

    /// <summary><c>client_certificate</c>: presented over mutual TLS to the token endpoint when set.</summary>
    public string? Certificate { get; init; }

    /// <summary>The client of stored OAUTH2_CC credentials (spec §4.6), for the grant that renews them.</summary>
    public static TokenClient Of(JsonObject credentials) => new(credentials.GetString("client_id") ?? "", credentials.GetString("client_secret") ?? "")
    {
        PrivateKey = NonEmpty(credentials.GetString("client_private_key")),
        Certificate = NonEmpty(credentials.GetString("client_certificate")),
    };

    /// <summary>What <c>token_headers</c> templates may name besides the connection config (spec §5.13's bare keys).</summary>
    public TemplateValues AddTo(TemplateValues values) => values
        .Set("clientId", Id).Set("clientSecret", Secret).Set("client_id", Id).Set("client_secret", Secret)
        .Set("credentials.clientId", Id).Set("credentials.clientSecret", Secret)
        .Set("credentials.client_id", Id).Set("credentials.client_secret", Secret);

    /// <summary>The OAUTH2_CC credential fields that describe this client (spec §4.4).</summary>
    public void WriteTo(JsonObject credentials)
    {
        credentials["client_id"] = Id;
        credentials["client_secret"] = Secret;
        if (Certificate is not null)
        {
            credentials["client_certificate"] = Certificate;
        }

        if (PrivateKey is not null)
        {
            credentials["client_private_key"] = PrivateKey;
        }
    }

    public override string ToString() => $"TokenClient {{ Id = {Id}, [secret, key and certificate redacted] }}";

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
