using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Latchkey.Server.ApiReference;

/// <summary>The document as a whole: its title and introduction, the security schemes, the tags and the proxy's path.</summary>
internal sealed class DocumentDocs : IOpenApiDocumentTransformer
{
    private static readonly string[] ProxyMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Latchkey API",
            Version = typeof(DocumentDocs).Assembly.GetName().Version?.ToString(3) ?? "1.0.0",
            Description =
                "Self-hosted, Nango-compatible auth: connect sessions, integrations, connections with fresh credentials, " +
                "the proxy. Your backend authenticates with the environment's secret key; the browser SDK and the " +
                "Connect UI with a connect session token. Every failure answers with the error envelope " +
                "`{\"error\":{\"code\",\"message\",\"errors\",\"payload\"}}`. The SDK's WebSocket (OAuth outcomes) is " +
                "served at `/` (LATCHKEY_WEBSOCKETS_PATH).",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = SecuritySchemes.All();
        document.Paths ??= [];
        document.Paths["/proxy/{endpoint}"] = ProxyPath(document);
        return Task.CompletedTask;
    }

    // The proxy accepts any method (one catch-all endpoint), which endpoint discovery does not describe on its own.
    private static OpenApiPathItem ProxyPath(OpenApiDocument document)
    {
        var item = new OpenApiPathItem { Operations = [] };
        foreach (var method in ProxyMethods)
        {
            item.Operations[HttpMethod.Parse(method)] = new OpenApiOperation
            {
                Summary = $"{method} a provider's API with a connection's credentials",
                Description = "The request goes to the provider's base URL + `endpoint`, with the connection's credentials " +
                              "(refreshed when due). The provider's status, headers and body come back unchanged; Latchkey's " +
                              "own failures carry the `Latchkey-Proxy-Error` header and the error envelope.",
                Tags = new HashSet<OpenApiTagReference> { new("Proxy", document) },
                Security = SecuritySchemes.Requirements(Callers.AuthScheme.SecretKey, document),
                Parameters =
                [
                    new OpenApiParameter { Name = "endpoint", In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                    new OpenApiParameter { Name = "Connection-Id", In = ParameterLocation.Header, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                    new OpenApiParameter { Name = "Provider-Config-Key", In = ParameterLocation.Header, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                    new OpenApiParameter { Name = "Retries", In = ParameterLocation.Header, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                ],
                Responses = new OpenApiResponses
                {
                    ["default"] = new OpenApiResponse { Description = "The provider's answer, unchanged." },
                    ["400"] = new OpenApiResponseReference(ErrorResponses.Name, document),
                    ["401"] = new OpenApiResponseReference(ErrorResponses.Name, document),
                },
            };
        }

        return item;
    }
}
