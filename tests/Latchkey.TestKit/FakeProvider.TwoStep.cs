using System.Net;
using System.Text.Json.Nodes;

namespace Latchkey.TestKit;

/// <summary>
/// A TWO_STEP provider's token endpoint: a JSON body with the client id and secret buys a short-lived bearer token,
/// a new one at every exchange; the verification endpoint accepts the latest.
/// </summary>
public sealed partial class FakeProvider
{
    private int _twoStepExchanges;

    public int TwoStepExchanges => _twoStepExchanges;

    public string? CurrentTwoStepTokenOrNull { get; private set; }

    private void MapTwoStep(WebApplication app) => app.MapPost("/two-step/token", async (HttpRequest request) =>
    {
        var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        if (body?["client_id"]?.ToString() != ClientId || body["client_secret"]?.ToString() != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: (int)HttpStatusCode.Unauthorized);
        }

        Interlocked.Increment(ref _twoStepExchanges);
        CurrentTwoStepTokenOrNull = Secret("ts");
        return Results.Json(new { access_token = CurrentTwoStepTokenOrNull, expires_in = 3600, token_type = "bearer" });
    });
}
