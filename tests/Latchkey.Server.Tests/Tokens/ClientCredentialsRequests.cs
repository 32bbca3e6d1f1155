using System.Text.Json.Nodes;

namespace Latchkey.Server.Tests.Tokens;

/// <summary>The client-credentials entry point and a forced refresh, as the SDK and a backend call them.</summary>
internal static class ClientCredentialsRequests
{
    public static async Task<HttpResponseMessage> ConnectAsync(TestApp app, string integration, object body, string query = "") =>
        await app.Http.PostAsJsonAsync($"/oauth2/auth/{integration}?connect_session_token={await app.CreateSessionTokenAsync()}{query}", body, Server.Cancellation);

    public static async Task<string> ConnectionIdAsync(TestApp app, HttpResponseMessage response)
    {
        await app.Http.EnsureSuccessAsync(response);
        return (await response.JsonAsync())["connectionId"]!.GetValue<string>();
    }

    public static async Task<JsonObject> CredentialsAsync(TestApp app, string integration, string connectionId, bool forceRefresh = false)
    {
        var response = await app.Backend.GetAsync($"/connections/{connectionId}?provider_config_key={integration}&force_refresh={forceRefresh}", Server.Cancellation);
        await app.Http.EnsureSuccessAsync(response);
        return (await response.JsonAsync())["credentials"]!.AsObject();
    }

    /// <summary>A PEM as a single-line form input sends it: its line breaks dropped.</summary>
    public static string OneLine(string pem) => pem.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
}
