using Latchkey.Server.Callers;

namespace Latchkey.Server.CredentialEntry;

public static class CredentialEntryFeature
{
    public static WebApplicationBuilder AddCredentialEntry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CredentialVerifier>();
        builder.Services.AddSingleton<CredentialSaver>();
        builder.Services.AddSingleton<EntryRequest>();
        builder.Services.AddSingleton<PublicKeyHmac>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCredentialEntry(this IEndpointRouteBuilder endpoints)
    {
        var apiAuth = endpoints.MapGroup("/api-auth").WithTags("Credential entry").RequireCaller(AuthScheme.SessionTokenOrPublicKey);
        apiAuth.MapPost("/api-key/{providerConfigKey}", CredentialEntryEndpoints.SubmitApiKeyAsync);
        apiAuth.MapPost("/basic/{providerConfigKey}", CredentialEntryEndpoints.SubmitBasicAsync);

        var auth = endpoints.MapGroup("/auth").WithTags("Credential entry").RequireCaller(AuthScheme.SessionTokenOrPublicKey);
        auth.MapPost("/unauthenticated/{providerConfigKey}", CredentialEntryEndpoints.CreateUnauthenticatedAsync);
        auth.MapPost("/two-step/{providerConfigKey}", CredentialEntryEndpoints.SubmitTwoStepAsync);
        auth.MapPost("/jwt/{providerConfigKey}", CredentialEntryEndpoints.SubmitJwtAsync);
        auth.MapPost("/signature/{providerConfigKey}", CredentialEntryEndpoints.SubmitSignatureAsync);
        auth.MapPost("/bill/{providerConfigKey}", CredentialEntryEndpoints.SubmitBillAsync);
        auth.MapPost("/tba/{providerConfigKey}", CredentialEntryEndpoints.SubmitTbaAsync);

        // Imported credentials are verified like entered ones; both paths behave identically (spec §4.6).
        foreach (var prefix in new[] { "/connections", "/connection" })
        {
            endpoints.MapPost(prefix, ConnectionImport.ImportConnectionAsync).WithTags("Connections").RequireCaller(AuthScheme.SecretKey);
        }

        return endpoints;
    }
}
