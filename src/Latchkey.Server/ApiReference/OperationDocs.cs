using System.Text.RegularExpressions;
using Latchkey.Server.Callers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Latchkey.Server.ApiReference;

/// <summary>
/// Fills each generated operation from <see cref="ApiOperations"/>: summary, request and success bodies, the
/// security requirement of the endpoint's <see cref="RequireCallerMetadata"/>, and the error envelope for failures.
/// </summary>
internal sealed partial class OperationDocs : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var path = PathOf(description.RelativePath ?? "");
        if (!ApiOperations.All.TryGetValue(ApiOperations.Key(description.HttpMethod ?? "", path), out var doc))
        {
            return;
        }

        operation.Summary = doc.Summary;
        operation.Description = doc.Description ?? operation.Description;
        if (ApiOperations.IsLegacyPath(path))
        {
            operation.Deprecated = true;
            operation.Summary += " (deprecated path: use /connections)";
        }

        foreach (var query in doc.Query ?? [])
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(QueryParameter(query));
        }

        if (doc.Request is { } request)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await SchemaAsync(request, context, cancellationToken) },
                },
            };
        }

        operation.Responses ??= [];
        if (doc.Response is { } response)
        {
            var status = operation.Responses.Keys.FirstOrDefault(key => key.StartsWith('2')) ?? "200";
            operation.Responses[status] = new OpenApiResponse
            {
                Description = operation.Responses.TryGetValue(status, out var existing) ? existing.Description ?? "OK" : "OK",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await SchemaAsync(response, context, cancellationToken) },
                },
            };
        }

        var scheme = description.ActionDescriptor.EndpointMetadata.OfType<RequireCallerMetadata>().LastOrDefault()?.Scheme;
        if (scheme is { } required)
        {
            operation.Security = SecuritySchemes.Requirements(required, context.Document!);
        }

        await ErrorResponses.AddAsync(operation, authenticated: scheme is not null, hasPathParameters: path.Contains('{', StringComparison.Ordinal), context, cancellationToken);
    }

    // "name*: text" is a required parameter, "name: text" an optional one.
    private static OpenApiParameter QueryParameter(string text)
    {
        var (name, description) = (text[..text.IndexOf(':', StringComparison.Ordinal)], text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        return new OpenApiParameter
        {
            Name = name.TrimEnd('*'), In = ParameterLocation.Query, Required = name.EndsWith('*'), Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
    }

    /// <summary>The operation's path as the document writes it: a leading slash, no trailing one (a group's \"\" route), route constraints and catch-all stars removed.</summary>
    public static string PathOf(string relativePath) => "/" + RouteParameter().Replace(relativePath.Trim('/'), "{$1}");

    /// <summary>A named component for each documented type, so the reference lists them as models.</summary>
    public static async Task<IOpenApiSchema> SchemaAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var name = type.Name;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(name))
        {
            document.Components.Schemas[name] = await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken);
        }

        return new OpenApiSchemaReference(name, document);
    }

    [GeneratedRegex(@"\{\**([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
