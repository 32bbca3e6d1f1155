using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Latchkey.Server;
using Latchkey.Server.Environments;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.TestKit;

/// <summary>
/// The real Latchkey server, started in-process on a random loopback port with a fresh database (SQLite, or
/// PostgreSQL when <see cref="TestDatabases"/> says so; real migrations), its own fake provider registered through LATCHKEY_PROVIDERS_FILE, and every log line captured.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsFake;
    private readonly bool _ownsDataDirectory;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private TestApp(WebApplication app, FakeProvider fake, bool ownsFake, string dataDirectory, bool ownsDataDirectory, string secretKey, string prodSecretKey, LogSink logs,
        IReadOnlyDictionary<string, string?> settings, string? databaseUrl)
    {
        _app = app;
        _settings = settings;
        DatabaseUrl = databaseUrl;
        _ownsDataDirectory = ownsDataDirectory;
        Fake = fake;
        _ownsFake = ownsFake;
        DataDirectory = dataDirectory;
        SecretKey = secretKey;
        ProdSecretKey = prodSecretKey;
        Logs = logs;
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Backend = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Backend.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
    }

    public string BaseUrl { get; }

    public FakeProvider Fake { get; }

    public string DataDirectory { get; }

    /// <summary>The dev environment's secret key.</summary>
    public string SecretKey { get; }

    public string ProdSecretKey { get; }

    public LogSink Logs { get; }

    /// <summary>A client without credentials.</summary>
    public HttpClient Http { get; }

    /// <summary>A client authenticated as the customer's backend (dev secret key).</summary>
    public HttpClient Backend { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The PostgreSQL database this server runs on, or null on SQLite.</summary>
    public string? DatabaseUrl { get; }

    /// <summary>
    /// A second instance behind the same (imagined) load balancer: its own data directory, this one's database,
    /// encryption key, secret keys, fake provider and settings (<paramref name="settings"/> over them). PostgreSQL only.
    /// Pass the first one's <paramref name="clock"/> when it has one, so both see the same time.
    /// </summary>
    public Task<TestApp> StartAnotherInstanceAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<string>? echo = null, FakeTimeProvider? clock = null)
    {
        var shared = new Dictionary<string, string?>(_settings)
        {
            ["LATCHKEY_SECRET_KEY_DEV"] = SecretKey,
            ["LATCHKEY_SECRET_KEY_PROD"] = ProdSecretKey,
            [TestDatabases.DatabaseUrlSetting] = DatabaseUrl ?? throw new InvalidOperationException("Instances share a PostgreSQL database; this one runs on SQLite."),
        };
        var keyFile = Path.Combine(DataDirectory, "encryption.key");
        if (!shared.ContainsKey("LATCHKEY_ENCRYPTION_KEY") && File.Exists(keyFile))
        {
            shared["LATCHKEY_ENCRYPTION_KEY"] = string.Join(',', Latchkey.Server.Vault.KeyFile.Read(keyFile).Select(key => key.ToBase64()));
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            shared[key] = value;
        }

        return StartAsync(shared, clock, fake: Fake, echo: echo ?? Logs.Echo);
    }

    public static async Task<TestApp> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        FakeTimeProvider? clock = null,
        FakeProvider? fake = null,
        string? dataDirectory = null,
        Action<string>? echo = null,
        string? contentRoot = null)
    {
        var ownsFake = fake is null;
        var ownsDataDirectory = dataDirectory is null;
        fake ??= await FakeProvider.StartAsync();
        dataDirectory ??= Directory.CreateTempSubdirectory("latchkey-test-").FullName;
        var providersFile = Path.Combine(dataDirectory, "providers.yaml");
        await File.WriteAllTextAsync(providersFile, FakeCatalog.Yaml(fake.BaseUrl, fake.TlsBaseUrl));
        var trustedCertificates = Path.Combine(dataDirectory, "fake-tls.pem");
        await File.WriteAllTextAsync(trustedCertificates, fake.ServerCertificatePem);

        var secretKey = settings?.GetValueOrDefault("LATCHKEY_SECRET_KEY_DEV") ?? KeyFormats.NewSecretKey();
        var prodSecretKey = settings?.GetValueOrDefault("LATCHKEY_SECRET_KEY_PROD") ?? KeyFormats.NewSecretKey();
        var configuration = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["LATCHKEY_DATA_DIR"] = dataDirectory,
            ["LATCHKEY_SECRET_KEY_DEV"] = secretKey,
            ["LATCHKEY_SECRET_KEY_PROD"] = prodSecretKey,
            ["LATCHKEY_OUTBOUND_ALLOW"] = "127.0.0.1/32",
            ["LATCHKEY_PROVIDERS_FILE"] = providersFile,
            // The fake's HTTPS listener has a certificate made at its start: trusted here, and only here.
            ["LATCHKEY_OUTBOUND_TRUSTED_CERTIFICATES"] = trustedCertificates,
        };
        if (settings?.ContainsKey(TestDatabases.DatabaseUrlSetting) != true && await TestDatabases.ForAsync(dataDirectory) is { } database)
        {
            configuration["LATCHKEY_DATABASE_URL"] = database;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var logs = new LogSink { Echo = echo };
        // A content root of its own is what a server started from another working directory gets: no appsettings.json.
        var app = LatchkeyServer.Build(contentRoot is null ? [] : ["--contentRoot", contentRoot], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            // The settings may ask for https:// (a certificate test) or for none (LATCHKEY_BIND/LATCHKEY_PORT decide).
            if (configuration["urls"] is { Length: > 0 } urls)
            {
                builder.WebHost.UseUrls(urls);
            }
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(new SinkLoggerProvider(logs));
            if (clock is not null)
            {
                builder.Services.AddSingleton<TimeProvider>(clock);
            }
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A server that refused to start leaves nothing running behind the test that expected the refusal.
            await app.DisposeAsync();
            if (ownsFake)
            {
                await fake.DisposeAsync();
            }

            throw;
        }

        return new TestApp(app, fake, ownsFake, dataDirectory, ownsDataDirectory, secretKey, prodSecretKey, logs,
            new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()),
            configuration.GetValueOrDefault(TestDatabases.DatabaseUrlSetting) is { Length: > 0 } url ? url : null);
    }

    /// <summary>Creates an integration through the API and returns its unique key.</summary>
    public async Task<string> CreateIntegrationAsync(string provider, string? uniqueKey = null, object? credentials = null)
    {
        uniqueKey ??= provider;
        var response = await Backend.PostAsJsonAsync("/integrations", new { provider, unique_key = uniqueKey, credentials });
        await Http.EnsureSuccessAsync(response);
        return uniqueKey;
    }

    /// <summary>Creates a connect session and returns its token.</summary>
    public async Task<string> CreateSessionTokenAsync(object? body = null)
    {
        var response = await Backend.PostAsJsonAsync("/connect/sessions", body ?? new { end_user = new { id = "user-1", email = "ada@example.com" } });
        await Http.EnsureSuccessAsync(response);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        return json!["data"]!["token"]!.GetValue<string>();
    }

    /// <summary>Submits an API key through the SDK's endpoint and returns the new connection id.</summary>
    public async Task<string> ConnectApiKeyAsync(string integrationKey, string sessionToken, string apiKey = FakeProvider.GoodApiKey)
    {
        var response = await Http.PostAsJsonAsync($"/api-auth/api-key/{integrationKey}?connect_session_token={sessionToken}", new { apiKey });
        await Http.EnsureSuccessAsync(response);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        return json!["connectionId"]!.GetValue<string>();
    }

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Backend.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsFake)
        {
            await Fake.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsDataDirectory)
        {
            return;
        }

        await TestDatabases.DropAsync(DataDirectory);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class HttpAssertions
{
    /// <summary>Like EnsureSuccessStatusCode, but the failure message carries the body (the error envelope).</summary>
    public static async Task EnsureSuccessAsync(this HttpClient _, HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject
            ?? throw new InvalidOperationException($"Expected a JSON object, got: {await response.Content.ReadAsStringAsync()}");

    /// <summary>The <c>error.code</c> of an error envelope.</summary>
    public static async Task<string?> ErrorCodeAsync(this HttpResponseMessage response) =>
        (await response.JsonAsync())["error"]?["code"]?.GetValue<string>();
}
