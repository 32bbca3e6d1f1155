using Latchkey.Server.Callers;

namespace Latchkey.Server.Settings;

/// <summary><c>/environment</c>: the caller's environment settings over the API (the dashboard edits the same ones).</summary>
public static class SettingsFeature
{
    public static WebApplicationBuilder AddSettings(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SettingsChanges>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSettings(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/environment").WithTags("Environment").RequireCaller(AuthScheme.SecretKey);
        group.MapGet("", SettingsEndpoints.GetEnvironmentAsync);
        group.MapPatch("", SettingsEndpoints.PatchEnvironmentAsync);
        group.MapPost("/webhook-signing-key", SettingsEndpoints.RotateSigningKeyAsync);
        group.MapDelete("/webhook-signing-key", SettingsEndpoints.ClearSigningKeyAsync);
        return endpoints;
    }
}
