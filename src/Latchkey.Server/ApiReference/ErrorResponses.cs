using Latchkey.Server.Hosting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Latchkey.Server.ApiReference;

/// <summary>Every failure answers with the same envelope (spec §1.2): one shared response, referenced per status.</summary>
internal static class ErrorResponses
{
    public const string Name = "Error";

    public static async Task AddAsync(OpenApiOperation operation, bool authenticated, bool hasPathParameters,
        OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        if (!document.Components.Responses.ContainsKey(Name))
        {
            document.Components.Responses[Name] = new OpenApiResponse
            {
                Description = "The error envelope. `error.code` never changes spelling; `error.errors` lists validation issues " +
                              "with the path of each field. Codes: " + string.Join(", ", AllCodes().Select(code => $"`{code}`")) + ".",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await OperationDocs.SchemaAsync(typeof(ErrorEnvelope), context, cancellationToken) },
                },
            };
        }

        operation.Responses ??= [];
        operation.Responses.TryAdd("400", new OpenApiResponseReference(Name, document));
        if (authenticated)
        {
            operation.Responses.TryAdd("401", new OpenApiResponseReference(Name, document));
            operation.Responses.TryAdd("429", new OpenApiResponseReference(Name, document));
        }

        if (hasPathParameters)
        {
            operation.Responses.TryAdd("404", new OpenApiResponseReference(Name, document));
        }

        operation.Responses.TryAdd("500", new OpenApiResponseReference(Name, document));
    }

    private static IEnumerable<string> AllCodes() =>
        typeof(ErrorCodes).GetFields().Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!).Order(StringComparer.Ordinal);
}
