namespace Latchkey.Server.Tokens;

/// <summary>
/// A provider's token endpoint: code exchange, refresh and client-credentials grants, and their answers; and, for MCP
/// servers, the discovery of their authorization server and the registration of Latchkey as its client.
/// </summary>
public static class TokensFeature
{
    public static WebApplicationBuilder AddTokens(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TokenEndpoint>();
        builder.Services.AddSingleton<ClientCredentialsGrant>();
        builder.Services.AddSingleton<TwoStepExchange>();
        builder.Services.AddSingleton<JwtTokens>();
        builder.Services.AddSingleton<WsseTokens>();
        builder.Services.AddSingleton<BillSessions>();
        builder.Services.AddSingleton<AppInstallationTokens>();
        builder.Services.AddSingleton<MetadataDocuments>();
        builder.Services.AddSingleton<McpDiscovery>();
        builder.Services.AddSingleton<McpClientRegistration>();
        return builder;
    }
}
