using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.Providers;

public static class ProvidersEndpoints
{
    public static Results<Ok<JsonObject>, ApiError> ListProviders(HttpRequest request, ProviderResponses responses, ProviderTexts texts)
    {
        if (QueryRules.RejectUnknown(request.Query, "search", "lang") is { } error)
        {
            return error;
        }

        var search = QueryRules.Last(request.Query, "search");
        if (search?.Length > MaxSearchLength)
        {
            return ApiError.Invalid(ErrorCodes.InvalidQueryParams,
                [new ValidationIssue(IssueCodes.TooBig, $"search must be at most {MaxSearchLength} characters.", ["search"])]);
        }

        var matches = search is null ? (Func<string, bool>)(_ => true) : NameMatcher(search);
        var language = Negotiate(request, texts);
        var data = new JsonArray(responses.All.Where(p => matches(p.Name)).Select(p => (JsonNode)responses.For(p, language)).ToArray());
        return TypedResults.Ok(new JsonObject { ["data"] = data });
    }

    public static Results<Ok<JsonObject>, ApiError> GetProvider(string provider, HttpRequest request, ProviderCatalog catalog, ProviderResponses responses, ProviderTexts texts)
    {
        if (QueryRules.RejectUnknown(request.Query, "lang") is { } error)
        {
            return error;
        }

        return catalog.TryGet(provider, out var found)
            ? TypedResults.Ok(new JsonObject { ["data"] = responses.For(found, Negotiate(request, texts)) })
            : ApiError.NotFound($"Provider '{provider}' is not in the catalog.");
    }

    // Field titles and descriptions follow `lang`, else Accept-Language (a Latchkey extension; English otherwise).
    private static string? Negotiate(HttpRequest request, ProviderTexts texts)
    {
        var language = texts.Choose(request);
        request.HttpContext.Response.Headers.Vary = "Accept-Language";
        request.HttpContext.Response.Headers.ContentLanguage = language ?? "en";
        return language;
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

    /// <summary>The longest <c>search</c> accepted: provider names are short, and a longer text matches nothing anyway.</summary>
    public const int MaxSearchLength = 255;

    // Spec §4.8 says `search` is a case-insensitive regular expression, but user text never reaches a regex engine here
    // (a long pattern once cost a 500 building the engine). What clients send is a name fragment, sometimes anchored, so
    // the search is a case-insensitive substring whose leading '^' and trailing '$' anchor it; every other character is
    // literal.
    private static Func<string, bool> NameMatcher(string search)
    {
        var start = search.StartsWith('^');
        var end = search.Length > (start ? 1 : 0) && search.EndsWith('$');
        var text = search[(start ? 1 : 0)..(end ? search.Length - 1 : search.Length)];
        return (start, end) switch
        {
            (true, true) => name => name.Equals(text, StringComparison.OrdinalIgnoreCase),
            (true, false) => name => name.StartsWith(text, StringComparison.OrdinalIgnoreCase),
            (false, true) => name => name.EndsWith(text, StringComparison.OrdinalIgnoreCase),
            _ => name => name.Contains(text, StringComparison.OrdinalIgnoreCase),
        };
    }
}
