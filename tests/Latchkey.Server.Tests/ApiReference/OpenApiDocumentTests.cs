using System.Net;
using System.Text.Json.Nodes;
using Latchkey.Server.ApiReference;
using Latchkey.Server.Tests.Dashboard;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;

namespace Latchkey.Server.Tests.ApiReference;

/// <summary>
/// /openapi.json describes every public route the server really maps (read from its EndpointDataSource), is valid
/// OpenAPI 3.1, and the reference page renders it from the server's own files.
/// </summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>Routes that are not the REST API, and why.</summary>
    private static readonly string[] NotTheApi =
    [
        "/dashboard",      // the admin pages (HTML forms behind a cookie)
        "/connect-ui",     // the Connect UI app's files
        "/openapi.json",   // the document itself
        "/api-reference",  // the reference page and its script
    ];

    private static readonly string[] AnyMethod = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task EveryPublicRoute_IsInTheDocument_WithItsMethods()
    {
        await using var app = await Server.StartAsync();
        var paths = (await DocumentAsync(app))["paths"]!.AsObject();
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(endpoint => (Path: PathOf(endpoint.RoutePattern), Methods: endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .Where(route => !NotTheApi.Any(prefix => route.Path == prefix || route.Path.StartsWith(prefix + "/", StringComparison.Ordinal)))
            .ToList();

        Assert.True(routes.Count > 40, $"only {routes.Count} routes found: the endpoint enumeration is broken");
        var missing = routes
            .SelectMany(route => (route.Methods ?? AnyMethod).Select(method => (route.Path, Method: method.ToLowerInvariant())))
            .Where(route => paths[route.Path]?[route.Method] is null)
            .Select(route => $"{route.Method.ToUpperInvariant()} {route.Path}")
            .ToList();
        Assert.Empty(missing);
        Assert.DoesNotContain(paths, path => NotTheApi.Any(prefix => path.Key.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task EveryOperation_HasASummary_AndEveryDocumentedOperationExists()
    {
        await using var app = await Server.StartAsync();
        var operations = (await DocumentAsync(app))["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Key: $"{operation.Key.ToUpperInvariant()} {path.Key}", Operation: operation.Value!)))
            .ToList();

        var withoutSummary = operations.Where(operation => string.IsNullOrWhiteSpace(operation.Operation["summary"]?.GetValue<string>())).Select(operation => operation.Key).ToList();
        Assert.Empty(withoutSummary);
        var keys = operations.Select(operation => operation.Key).ToHashSet(StringComparer.Ordinal);
        var stale = ApiOperations.All.Keys.Where(key => !keys.Contains(key)).ToList();
        Assert.Empty(stale);
    }

    [Fact]
    public async Task Document_IsValidOpenApi31()
    {
        await using var app = await Server.StartAsync();
        var text = await app.Http.GetStringAsync(ApiReferenceFeature.DocumentPath, Server.Cancellation);

        var (parsed, diagnostic) = OpenApiDocument.Parse(text, "json");

        var document = Assert.IsType<OpenApiDocument>(parsed);
        Assert.Empty(diagnostic!.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet())!);
        var json = JsonNode.Parse(text)!;
        Assert.StartsWith("3.1.", json["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(document.Paths);
        Assert.Equal(["connectSessionToken", "connectSessionTokenQuery", "publicKey", "secretKey"], document.Components!.SecuritySchemes!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(ErrorResponsesName, document.Components.Responses!.Keys);
    }

    [Fact]
    public async Task Operations_CarryTheirSecurity_Bodies_AndTheErrorEnvelope()
    {
        await using var app = await Server.StartAsync();
        var paths = (await DocumentAsync(app))["paths"]!;

        var create = paths["/connect/sessions"]!["post"]!;
        Assert.Equal("secretKey", create["security"]![0]!.AsObject().Single().Key);
        Assert.Equal("#/components/schemas/CreateConnectSessionRequest", create["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/ConnectSessionCreated", create["responses"]!["201"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/responses/Error", create["responses"]!["400"]!["$ref"]!.GetValue<string>());

        var apiKey = paths["/api-auth/api-key/{providerConfigKey}"]!["post"]!;
        Assert.Equal(["connectSessionTokenQuery", "publicKey"], apiKey["security"]!.AsArray().Select(requirement => requirement!.AsObject().Single().Key));
        Assert.Null(paths["/health"]!["get"]!["security"]);
        Assert.True(paths["/connection/{connectionId}"]!["get"]!["deprecated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ErrorEnvelope_InTheDocument_MatchesARealError()
    {
        await using var app = await Server.StartAsync();
        var envelope = (await DocumentAsync(app))["components"]!["schemas"]!["ErrorEnvelope"]!;
        var error = envelope["properties"]!["error"]!;

        var response = await app.Backend.PostAsJsonAsync("/connect/sessions", new { unknown_key = true }, Server.Cancellation);
        var real = (await response.JsonAsync())["error"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["error"], envelope["required"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Equal(["code"], error["required"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.All(real, field => Assert.NotNull(error["properties"]![field.Key]));
    }

    [Fact]
    public async Task ReferencePage_IsServedWithItsScript_AndLinkedFromTheDashboard()
    {
        const string password = "a long enough dashboard password";
        await using var app = await Server.StartAsync(new Dictionary<string, string?> { ["LATCHKEY_ADMIN_PASSWORD"] = password });
        using var browser = new DashboardLoginBrowser(app);

        var page = await app.Http.GetStringAsync(ApiReferenceFeature.PagePath + "/", Server.Cancellation);
        var script = await app.Http.GetAsync(ApiReferenceFeature.PagePath + "/scalar.js", Server.Cancellation);
        await browser.LogInAsync("admin@localhost", password);
        var dashboard = await browser.Client.GetStringAsync("/dashboard/dev/integrations", Server.Cancellation);

        Assert.Contains("<script src=\"scalar.js\">", page, StringComparison.Ordinal);
        Assert.Contains("openapi.json", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("javascript", script.Content.Headers.ContentType!.MediaType!, StringComparison.Ordinal);
        Assert.Contains("href=\"/api-reference/\"", dashboard, StringComparison.Ordinal);
    }

    private const string ErrorResponsesName = "Error";

    private static async Task<JsonObject> DocumentAsync(TestApp app)
    {
        var response = await app.Http.GetAsync(ApiReferenceFeature.DocumentPath, Server.Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    // Built from the route pattern itself (not from the document's own path logic): "{**endpoint}" and
    // "{id:long}" are written "{endpoint}" and "{id}", as OpenAPI paths have them.
    private static string PathOf(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"Unexpected route part in {pattern.RawText}"),
        })));
        return "/" + string.Join('/', segments);
    }
}
