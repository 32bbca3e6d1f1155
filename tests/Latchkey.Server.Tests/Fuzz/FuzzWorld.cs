using System.Text.Json.Nodes;
using Latchkey.Server.Environments;

namespace Latchkey.Server.Tests.Fuzz;

/// <summary>What the fuzzed server holds before the first case: integrations, a connection, a session, and its secrets.</summary>
public sealed class FuzzWorld
{
    private FuzzWorld(string secretKey, string prodSecretKey, string sessionToken, string publicKey, string encryptionKey, string clientSecret, IReadOnlyList<string> knownIds)
    {
        SecretKey = secretKey;
        SessionToken = sessionToken;
        PublicKey = publicKey;
        KnownIds = knownIds;
        // Readable by the dev secret key (its own environment's secrets) and by nobody else.
        EnvironmentSecrets = [secretKey, sessionToken, clientSecret, FakeProvider.GoodApiKey];
        // Readable by no caller of this run: another environment's key and the key that seals everything.
        NeverLogged = [secretKey, prodSecretKey, sessionToken, encryptionKey, clientSecret, FakeProvider.GoodApiKey];
        Never = [prodSecretKey, encryptionKey];
    }

    public string SecretKey { get; }

    public string SessionToken { get; }

    public string PublicKey { get; }

    public IReadOnlyList<string> KnownIds { get; }

    public IReadOnlyList<string> EnvironmentSecrets { get; }

    public IReadOnlyList<string> NeverLogged { get; }

    public IReadOnlyList<string> Never { get; }

    /// <summary>The secrets an answer to this caller must not hold; one the request itself carried may be echoed.</summary>
    public IEnumerable<string> SecretsHiddenFrom(FuzzCaller caller, string sent) =>
        (caller == FuzzCaller.SecretKey ? Never : Never.Concat(EnvironmentSecrets)).Where(secret => !sent.Contains(secret, StringComparison.Ordinal));

    public static async Task<FuzzWorld> CreateAsync(TestApp app, string encryptionKey)
    {
        var clientSecret = "fuzz-client-secret-" + Guid.NewGuid().ToString("N");
        await app.CreateIntegrationAsync("fake-oauth2", credentials: new { type = "OAUTH2", client_id = FakeProvider.ClientId, client_secret = clientSecret, scopes = "read" });
        await app.CreateIntegrationAsync("fake-apikey");
        await app.CreateIntegrationAsync("fake-basic");
        var token = await app.CreateSessionTokenAsync();
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", token);
        var environment = await app.Services.GetRequiredService<EnvironmentDirectory>().FindBySecretKeyAsync(app.SecretKey, CancellationToken.None);
        var session = await (await app.Backend.PostAsJsonAsync("/connect/sessions", new { end_user = new { id = "fuzz" } })).Content.ReadFromJsonAsync<JsonObject>();
        return new FuzzWorld(app.SecretKey, app.ProdSecretKey, session!["data"]!["token"]!.GetValue<string>(), environment!.PublicKey, encryptionKey, clientSecret,
            ["fake-apikey", "fake-oauth2", "fake-basic", connectionId, "dev", "prod", "github", "fuzz"]);
    }
}
