using Latchkey.Server.Callers;

namespace Latchkey.Server.Integrations;

public static class IntegrationsFeature
{
    public static WebApplicationBuilder AddIntegrations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IntegrationStore>();
        builder.Services.AddSingleton<IntegrationView>();
        builder.Services.AddSingleton<McpClientStore>();
        builder.Services.AddSingleton<IntegrationAudit>();
        return builder;
    }

    public static IEndpointRouteBuilder MapIntegrations(this IEndpointRouteBuilder endpoints)
    {
        // Listing is also open to the Connect UI's session token; everything else needs the secret key.
        endpoints.MapGet("/integrations", IntegrationsEndpoints.ListIntegrationsAsync)
            .WithTags("Integrations").RequireCaller(AuthScheme.SessionTokenOrSecretKey);

        var group = endpoints.MapGroup("/integrations").WithTags("Integrations").RequireCaller(AuthScheme.SecretKey);
        group.MapPost("", IntegrationsEndpoints.CreateIntegrationAsync);
        group.MapGet("/{uniqueKey}", IntegrationsEndpoints.GetIntegrationAsync);
        group.MapPatch("/{uniqueKey}", IntegrationsEndpoints.UpdateIntegrationAsync);
        group.MapDelete("/{uniqueKey}", IntegrationsEndpoints.DeleteIntegrationAsync);
        return endpoints;
    }
}
