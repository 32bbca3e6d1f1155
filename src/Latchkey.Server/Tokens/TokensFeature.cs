namespace Latchkey.Server.Tokens;

/// <summary>A provider's token endpoint: code exchange, refresh and client-credentials grants, and their answers.</summary>
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
        return builder;
    }
}
