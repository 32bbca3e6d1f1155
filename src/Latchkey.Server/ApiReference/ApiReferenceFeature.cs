using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Latchkey.Server.ApiReference;

/// <summary>
/// The API described: an OpenAPI 3.1 document generated from the mapped endpoints at <c>/openapi.json</c>, and
/// Scalar's reference page rendering it at <c>/api-reference</c> (its script served from the package, no CDN, no
/// web fonts, no telemetry, no AI agent). The dashboard, the Connect UI and these two routes are left out of the document.
/// </summary>
public static class ApiReferenceFeature
{
    public const string DocumentPath = "/openapi.json";
    public const string PagePath = "/api-reference";

    public static WebApplicationBuilder AddApiReference(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer<DocumentDocs>();
            options.AddOperationTransformer<OperationDocs>();
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(DocumentPath).ExcludeFromDescription();
        endpoints.MapScalarApiReference(PagePath, options => options
            .WithTitle("Latchkey API reference")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools())
            .ExcludeFromDescription();
        return endpoints;
    }
}
