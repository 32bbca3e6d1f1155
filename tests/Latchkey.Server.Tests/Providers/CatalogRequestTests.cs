using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

/// <summary>
/// Every entry's API requests render: the proxy base URL, and for API-key and basic entries the verification request
/// with the credentials where the entry says they go. Built from sample values, as the Connect UI would collect them.
/// </summary>
public sealed class CatalogRequestTests
{
    private static readonly ProviderCatalog BuiltIn = ProvidersFeature.LoadCatalog(new ProvidersOptions());
    private const string SampleKey = "sample-key-0123456789";

    public static TheoryData<string> WithBaseUrl => new(BuiltIn.All.Where(p => p.Proxy?.GetString("base_url") is not null).Select(p => p.Name));

    public static TheoryData<string> Verified => new(BuiltIn.All
        .Where(p => p.AuthMode is AuthModes.ApiKey or AuthModes.Basic && p.Proxy?["verification"] is JsonObject)
        .Select(p => p.Name));

    [Theory]
    [MemberData(nameof(WithBaseUrl))]
    public void ProxyBaseUrl_RendersToAnHttpsUrl(string name)
    {
        var provider = BuiltIn.Find(name)!;
        var values = ProviderApiRequest.ValuesFor(SampleCredentials(provider), SampleConfig(provider));
        var baseUrl = provider.Proxy!.GetString("base_url")!;
        var url = ProviderUrls.Render(baseUrl, values);

        // A base URL that is wholly a connection setting filled after the token exchange (an instance URL) has no sample.
        Assert.True(url is not null || AutomatedOnly(provider, baseUrl), $"{name}: {baseUrl} does not render");
        Assert.True(url is null || url.Scheme == Uri.UriSchemeHttps, $"{name}: {url} is not https");
    }

    [Theory]
    [MemberData(nameof(Verified))]
    public void Verification_CarriesTheCredentials(string name)
    {
        var provider = BuiltIn.Find(name)!;
        var credentials = SampleCredentials(provider);
        var values = ProviderApiRequest.ValuesFor(credentials, SampleConfig(provider));
        var verification = (JsonObject)provider.Proxy!["verification"]!;

        foreach (var endpoint in verification.GetStringList("endpoints"))
        {
            using var request = ProviderApiRequest.ForVerification(provider, verification, endpoint, credentials, values);

            Assert.True(request is not null, $"{name}: the verification request for {endpoint} does not render");
            Assert.Equal(Uri.UriSchemeHttps, request.RequestUri!.Scheme);
            var sent = request.RequestUri + "\n" + string.Join("\n", request.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
            Assert.DoesNotContain("${", sent, StringComparison.Ordinal);
            Assert.True(provider.AuthMode == AuthModes.Basic ? request.Headers.Authorization?.Scheme == "Basic" : sent.Contains(SampleKey, StringComparison.Ordinal),
                $"{name}: the verification request for {endpoint} does not carry the credentials");
        }
    }

    public static TheoryData<string> TwoStep => new(BuiltIn.All.Where(p => p.AuthMode == AuthModes.TwoStep).Select(p => p.Name));

    [Theory]
    [MemberData(nameof(TwoStep))]
    public void TwoStepTokenRequest_Renders(string name)
    {
        var provider = BuiltIn.Find(name)!;
        var values = ProviderApiRequest.ValuesFor(SampleCredentials(provider), SampleConfig(provider));

        using var request = Latchkey.Server.Tokens.TwoStepExchange.Build(provider, values, DateTimeOffset.UtcNow);

        Assert.True(request is not null, $"{name}: the token request does not render");
        Assert.Equal(Uri.UriSchemeHttps, request.RequestUri!.Scheme);
        Assert.DoesNotContain("${", request.RequestUri + string.Join("\n", request.Headers.Select(h => string.Join(",", h.Value))), StringComparison.Ordinal);
    }

    [Fact]
    public void FieldExamples_MatchTheirOwnPatterns()
    {
        var wrong = new List<string>();
        foreach (var provider in BuiltIn.All)
        {
            foreach (var field in provider.ConnectionConfigFields.Values.Concat(provider.CredentialFields.Values))
            {
                var example = Schema(provider, field.Name)?.GetString("example");
                if (field.Pattern is { } pattern && example is not null && !example.Contains("...", StringComparison.Ordinal) && !example.Contains('…') &&
                    !Regex.IsMatch(example, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
                {
                    wrong.Add($"{provider.Name}.{field.Name}: example '{example}' does not match '{pattern}'");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static bool AutomatedOnly(Provider provider, string template) =>
        Regex.Matches(template, @"connectionConfig\.([A-Za-z0-9_]+)").All(m => provider.ConnectionConfigFields.TryGetValue(m.Groups[1].Value, out var f) && f.Automated);

    private static JsonObject? Schema(Provider provider, string field) =>
        (provider.Definition["connection_config"]?[field] ?? provider.Definition["credentials"]?[field]) as JsonObject;

    // A value for every credential field: the API key itself, else a word that satisfies a simple pattern.
    private static JsonObject SampleCredentials(Provider provider)
    {
        var credentials = new JsonObject { ["type"] = provider.AuthMode, ["apiKey"] = SampleKey, ["username"] = "user", ["password"] = "pass" };
        foreach (var (name, _) in provider.Definition["credentials"] as JsonObject ?? [])
        {
            credentials[name] ??= SampleKey;
        }

        return credentials;
    }

    // The field's default, its example, or its first allowed value; automated fields are filled after the connection.
    private static JsonObject SampleConfig(Provider provider)
    {
        var config = new JsonObject();
        foreach (var field in provider.ConnectionConfigFields.Values.Where(f => !f.Automated))
        {
            var schema = Schema(provider, field.Name);
            config[field.Name] = field.DefaultValue ?? schema?.GetString("example")?.Split(' ')[0] ?? (schema?["enum"] as JsonArray)?[0]?.ToString() ?? "example";
        }

        return config;
    }
}
