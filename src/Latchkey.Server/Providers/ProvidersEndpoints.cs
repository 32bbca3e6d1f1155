using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Providers;

public static class ProvidersEndpoints
{
    public static Results<Ok<JsonObject>, ApiError> ListProviders(HttpRequest request, ProviderResponses responses)
    {
        if (QueryRules.RejectUnknown(request.Query, "search") is { } error)
        {
            return error;
        }

        var search = QueryRules.Last(request.Query, "search");
        var matches = search is null ? (Func<string, bool>)(_ => true) : NameMatcher(search);
        var data = new JsonArray(responses.All.Where(p => matches(p.Name)).Select(p => (JsonNode)responses.For(p)).ToArray());
        return TypedResults.Ok(new JsonObject { ["data"] = data });
    }

    public static Results<Ok<JsonObject>, ApiError> GetProvider(string provider, HttpRequest request, ProviderCatalog catalog, ProviderResponses responses)
    {
        if (QueryRules.RejectUnknown(request.Query) is { } error)
        {
            return error;
        }

        return catalog.TryGet(provider, out var found)
            ? TypedResults.Ok(new JsonObject { ["data"] = responses.For(found) })
            : ApiError.NotFound($"Provider '{provider}' is not in the catalog.");
    }

    public static Ok<JsonObject> GetRawCatalog(ProviderCatalog catalog) =>
        TypedResults.Ok(new JsonObject(catalog.All.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)p.Definition.DeepClone()))));

    public static IResult GetLogo(string file, ProviderCatalog catalog, IWebHostEnvironment environment)
    {
        var name = file.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) ? file[..^4] : file;
        if (!catalog.TryGet(name, out var provider))
        {
            return ApiError.NotFound($"Provider '{name}' is not in the catalog.");
        }

        var bundled = environment.WebRootFileProvider.GetFileInfo($"images/template-logos/{provider.Name}.svg");
        return bundled.Exists
            ? TypedResults.File(bundled.CreateReadStream(), "image/svg+xml")
            : TypedResults.Text(ProviderLogos.Monogram(provider.Name, provider.DisplayName), "image/svg+xml");
    }

    // `search` is matched as a case-insensitive regular expression (spec §4.8); a pattern that is not a valid
    // regular expression is matched literally instead of failing. NonBacktracking rules out catastrophic patterns.
    private static Func<string, bool> NameMatcher(string search)
    {
        try
        {
            // NonBacktracking matches in linear time, so no timeout is needed against ReDoS; a 50 ms one fired on a
            // busy 2-core machine while the engine was still being built for the first match (a 500 for a valid search).
            var regex = new Regex(search, RegexOptions.IgnoreCase | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return regex.IsMatch;
        }
        catch (ArgumentException)
        {
            return name => name.Contains(search, StringComparison.OrdinalIgnoreCase);
        }
    }
}
