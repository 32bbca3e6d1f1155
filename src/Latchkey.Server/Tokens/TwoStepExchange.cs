using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Outbound;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.Tokens;

/// <summary>
/// TWO_STEP (spec §8.2, §8.4): the credential fields an end user entered are exchanged for a short-lived token by one
/// request the catalog entry describes — <c>token_url</c>, <c>token_request_method</c>, <c>token_params</c> and
/// <c>token_headers</c> rendered with the fields (<c>${credentials.x}</c>) and connection settings, sent as
/// <c>body_format</c> — and the token, its expiry and an optional refresh token are read from the answer at the
/// dot paths of <c>token_response</c>. The same exchange runs again to refresh: it is never retried blindly.
/// </summary>
public sealed class TwoStepExchange(IHttpClientFactory httpClients, TimeProvider clock, ILogger<TwoStepExchange> logger)
{
    /// <summary>What the exchange produced from the answer, not from the user: removed before the next exchange.</summary>
    public static readonly IReadOnlySet<string> IssuedFields = new HashSet<string>(StringComparer.Ordinal) { "type", "token", "refresh_token", "expires_at", "raw" };

    public async Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)>> ExchangeAsync(
        Provider provider, JsonObject fields, JsonObject connectionConfig, CancellationToken cancellationToken)
    {
        var entered = new JsonObject(fields.Where(pair => !IssuedFields.Contains(pair.Key)).Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone())));
        var values = ProviderApiRequest.ValuesFor(entered, connectionConfig);
        var now = clock.GetUtcNow();
        using var request = Build(provider, values, now);
        if (request is null)
        {
            return Refused(provider, "its token request needs values that were not given");
        }

        try
        {
            using var response = await httpClients.CreateClient(OutboundFeature.ClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogInformation("TWO_STEP token request of {Provider} answered HTTP {Status}", provider.Name, (int)response.StatusCode);
                return ProviderFaults.IsProviderFailure((int)response.StatusCode)
                    ? ProviderFaults.Failed(provider.DisplayName, "issue a token for these credentials", (int)response.StatusCode)
                    : Refused(provider, $"HTTP {(int)response.StatusCode}");
            }

            return Read(provider, entered, JsonNode.Parse(text) as JsonObject, now);
        }
        catch (JsonException)
        {
            return Refused(provider, "the answer is not JSON");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("TWO_STEP token request of {Provider} could not be sent: {Reason}", provider.Name, OutboundFailure.Describe(exception));
            return ProviderFaults.Unreachable(provider.DisplayName, "issue a token for these credentials", OutboundFailure.Describe(exception));
        }
    }

    internal static HttpRequestMessage? Build(Provider provider, TemplateValues values, DateTimeOffset now)
    {
        var url = ProviderUrls.Render(provider.TokenUrlFor(AuthModes.TwoStep) ?? "", values, now: now);
        var parameters = provider.TokenParams.ToDictionary(pair => pair.Key, pair => Template.Render(pair.Value, values, now: now), StringComparer.Ordinal);
        var headers = TokenHeaders.Render(provider, values, now);
        if (url is null || headers is null || !parameters.Values.All(Template.IsComplete))
        {
            return null;
        }

        var method = new HttpMethod(provider.GetString("token_request_method", "POST").ToUpperInvariant());
        var format = provider.GetString("body_format", "json");
        var request = new HttpRequestMessage(method, format == "query" || method == HttpMethod.Get ? QueryHelpers.AddQueryString(url.ToString(), parameters.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))) : url.ToString());
        if (method != HttpMethod.Get && format != "query")
        {
            request.Content = format == "form"
                ? new FormUrlEncodedContent(parameters)
                : new StringContent(JsonSerializer.Serialize(parameters), Encoding.UTF8, "application/json");
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        TokenHeaders.Apply(request, headers);

        return request;
    }

    // The token at token_response.token (default access_token), its expiry as seconds from now (expireIn, the default)
    // or as a time (expireAt), and the refresh token when the entry names one.
    private static Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)> Read(Provider provider, JsonObject entered, JsonObject? body, DateTimeOffset now)
    {
        var recipe = provider.Definition["token_response"] as JsonObject ?? [];
        if (body is null || body.AtPath(recipe.GetString("token") ?? "access_token") is not JsonValue token || token.ToString().Length == 0)
        {
            return Refused(provider, "the answer has no token");
        }

        var expiresAt = ExpiresAt(body.AtPath(recipe.GetString("token_expiration") ?? "expires_in"), recipe.GetString("token_expiration_strategy") ?? "expireIn", now);
        var credentials = entered.DeepClone().AsObject();
        credentials["type"] = AuthModes.TwoStep;
        credentials["token"] = token.ToString();
        if (recipe.GetString("refresh_token") is { } refreshPath && body.AtPath(refreshPath) is JsonValue refresh)
        {
            credentials["refresh_token"] = refresh.ToString();
        }

        if (expiresAt is { } at)
        {
            credentials["expires_at"] = Timestamps.Format(at);
        }

        credentials["raw"] = body.DeepClone();
        return (credentials, expiresAt);
    }

    private static DateTimeOffset? ExpiresAt(JsonNode? value, string strategy, DateTimeOffset now)
    {
        var text = (value as JsonValue)?.ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (strategy == "expireAt")
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch)
                ? epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds((long)epoch) : DateTimeOffset.FromUnixTimeSeconds((long)epoch)
                : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? now + TimeSpan.FromSeconds(seconds) : null;
    }


    private static ApiError Refused(Provider provider, string why) =>
        ApiError.BadRequest(ErrorCodes.ConnectionTestFailed, $"{provider.DisplayName} did not issue a token for these credentials: {why}.");
}
