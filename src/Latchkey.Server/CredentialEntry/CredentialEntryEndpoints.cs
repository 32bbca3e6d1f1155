using System.Text.Json.Nodes;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Authentication;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Server.CredentialEntry;

/// <summary>
/// The SDK's HTTP auth modes (spec §2.5, §4.4): the end user's credentials arrive, are verified with the provider,
/// and are saved. Success is <c>{connectionId, providerConfigKey}</c>; every failure is a JSON error the SDK maps to
/// <c>AuthError.type</c>.
/// </summary>
public static class CredentialEntryEndpoints
{
    private static readonly StringRule ApiKey = StringRule.Bounded(1, 1024);
    private static readonly StringRule BasicPart = StringRule.Bounded(0, 1024);

    public static async Task<Results<Ok<JsonObject>, ApiError>> SubmitApiKeyAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var validator = new Validator();
        var apiKey = JsonObjectReader.Root(body.Value, validator, ["apiKey"])?.Text("apiKey", ApiKey, required: true);
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var context = await entry.PrepareAsync(caller, providerConfigKey, request.Query, mode => mode == AuthModes.ApiKey, cancellationToken);
        if (context.Failed)
        {
            return context.Error;
        }

        var credentials = new JsonObject { ["type"] = AuthModes.ApiKey, ["apiKey"] = apiKey };
        return await saver.VerifyAndSaveAsync(context.Value, credentials, cancellationToken);
    }

    public static async Task<Results<Ok<JsonObject>, ApiError>> SubmitBasicAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var validator = new Validator();
        var root = JsonObjectReader.Root(body.Value, validator, ["username", "password"]);
        var username = root?.Text("username", BasicPart, required: true);
        var password = root?.Text("password", BasicPart, required: true);
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var context = await entry.PrepareAsync(caller, providerConfigKey, request.Query, mode => mode == AuthModes.Basic, cancellationToken);
        if (context.Failed)
        {
            return context.Error;
        }

        var credentials = new JsonObject { ["type"] = AuthModes.Basic, ["username"] = username, ["password"] = password };
        return await saver.VerifyAndSaveAsync(context.Value, credentials, cancellationToken);
    }

    /// <summary><c>POST /auth/unauthenticated/:key</c> for <c>NONE</c> providers: the body must be empty.</summary>
    public static async Task<Results<Ok<JsonObject>, ApiError>> CreateUnauthenticatedAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var validator = new Validator();
        JsonObjectReader.Root(body.Value, validator, []);
        if (validator.HasErrors)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var context = await entry.PrepareAsync(caller, providerConfigKey, request.Query, mode => mode == AuthModes.None, cancellationToken);
        if (context.Failed)
        {
            return context.Error;
        }

        return await saver.VerifyAndSaveAsync(context.Value, new JsonObject { ["type"] = AuthModes.None }, cancellationToken);
    }
}
