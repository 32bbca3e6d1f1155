using Latchkey.Server.Callers;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.OAuth;

public static class OAuthFeature
{
    public static WebApplicationBuilder AddOAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OAuthSessionStore>();
        builder.Services.AddSingleton<FlowPreparation>();
        builder.Services.AddSingleton<FlowReporter>();
        builder.Services.AddSingleton<FlowLog>();
        builder.Services.AddSingleton<PostConnectionValues>();
        builder.Services.AddSingleton<OAuth2Flow>();
        builder.Services.AddSingleton<OAuth1Flow>();
        builder.Services.AddSingleton<AppUserAuthorization>();
        builder.Services.AddSingleton<AppInstallFlow>();
        builder.Services.AddSingleton<McpOAuth2Flow>();
        builder.Services.AddSingleton<AuthorizationGrants>();
        builder.Services.AddSingleton<OAuthCallback>();
        builder.Services.AddHostedService<AbandonedFlowsCleanup>();
        return builder;
    }

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/oauth/connect/{providerConfigKey}", OAuthEndpoints.ConnectAsync)
            .WithTags("OAuth").RequireCaller(AuthScheme.SessionTokenOrPublicKey)
            .WithMetadata(new FailurePage(OAuthEndpoints.AnswerConnectFailureAsync));
        endpoints.MapGet("/oauth/callback", OAuthEndpoints.CallbackAsync).WithTags("OAuth");
        endpoints.MapPost("/oauth2/auth/{providerConfigKey}", ClientCredentialsEndpoint.ConnectAsync)
            .WithTags("OAuth").RequireCaller(AuthScheme.SessionTokenOrPublicKey);
        return endpoints;
    }
}
