using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Values that API calls need and only the provider's API can tell once the grant is made: the Atlassian site's cloud
/// id, the Xero tenant id. A catalog entry names them with the Latchkey key <c>post_connection</c>: one GET with the new
/// access token, and dot paths (array indices allowed) into its JSON answer, copied into the connection config.
/// <code>
/// post_connection:
///   endpoint: https://api.atlassian.com/oauth/token/accessible-resources
///   store: { cloudId: 0.id, baseUrl: 0.url }
/// </code>
/// A connection without them could not be used, so a failure here fails the connection with the reason.
/// </summary>
public sealed class PostConnectionValues(IHttpClientFactory httpClients, ILogger<PostConnectionValues> logger)
{
    public async Task<Outcome<JsonObject>> AddToAsync(JsonObject config, Provider provider, string accessToken, CancellationToken cancellationToken)
    {
        if (provider.Definition["post_connection"] is not JsonObject step)
        {
            return config;
        }

        if (ProviderUrls.Render(step.GetString("endpoint") ?? "", TemplateValues.Of(config)) is not { } url)
        {
            return ApiError.BadRequest(ErrorCodes.UrlParamErr, $"{provider.DisplayName}'s post_connection endpoint needs connection settings that were not given.");
        }

        var answer = await GetAsync(url, accessToken, provider, cancellationToken);
        if (answer.Failed)
        {
            return answer.Error;
        }

        foreach (var (key, path) in step.GetStringMap("store"))
        {
            if (answer.Value.AtPath(path) is not JsonValue value || value.ToString() is not { Length: > 0 } text)
            {
                return ApiError.BadRequest(ErrorCodes.UnknownErr, $"{provider.DisplayName} did not tell {key} ({path}) after the sign-in; the account may have no site or organization to connect.");
            }

            config[key] = text;
        }

        return config;
    }

    private async Task<Outcome<JsonNode?>> GetAsync(Uri url, string accessToken, Provider provider, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/json");
        try
        {
            using var response = await httpClients.CreateClient(OutboundFeature.ClientName).SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return ApiError.BadRequest(ErrorCodes.UnknownErr, $"{provider.DisplayName} answered HTTP {(int)response.StatusCode} when asked for the account's details after the sign-in.");
            }

            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Post-connection call to {Provider} failed: {Reason}", provider.Name, OutboundFailure.Describe(exception));
            return ApiError.BadRequest(ErrorCodes.UnknownErr, $"{provider.DisplayName} could not be asked for the account's details after the sign-in.");
        }
    }

}
