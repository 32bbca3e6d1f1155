using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.Proxy;

/// <summary>Helpers for proxy tests: connections made the way a backend makes them, and proxied calls with Nango's headers.</summary>
internal static class ProxyTestApp
{
    public static HttpRequestMessage Call(HttpMethod method, string endpoint, string integration, string connectionId, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, "/proxy" + endpoint);
        request.Headers.Add("Connection-Id", connectionId);
        request.Headers.Add("Provider-Config-Key", integration);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public static async Task<string> ApiKeyConnectionAsync(TestApp app, string provider, string apiKey = FakeProvider.GoodApiKey)
    {
        await app.CreateIntegrationAsync(provider);
        return await app.ConnectApiKeyAsync(provider, await app.CreateSessionTokenAsync(), apiKey);
    }

    /// <summary>Imports a connection (<c>POST /connections</c>) and returns its id.</summary>
    public static async Task<string> ImportAsync(TestApp app, string integration, object credentials, object? connectionConfig = null)
    {
        var response = await app.Backend.PostAsJsonAsync("/connections",
            new { provider_config_key = integration, connection_id = Guid.NewGuid().ToString(), credentials, connection_config = connectionConfig ?? new { } },
            Server.Cancellation);
        await app.Http.EnsureSuccessAsync(response);
        return (await response.JsonAsync())["connection_id"]!.GetValue<string>();
    }

    public static async Task<JsonObject> EchoAsync(this HttpResponseMessage response)
    {
        var json = await response.JsonAsync();
        return response.IsSuccessStatusCode ? json : throw new InvalidOperationException($"{(int)response.StatusCode}: {json.ToJsonString()}");
    }
}
