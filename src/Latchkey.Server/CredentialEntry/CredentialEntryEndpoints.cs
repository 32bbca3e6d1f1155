using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Providers;
using Latchkey.Server.Tokens;
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

    public static Task<Results<Ok<JsonObject>, ApiError>> SubmitApiKeyAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken) =>
        SubmitAsync(providerConfigKey, AuthModes.ApiKey, ["apiKey"],
            body => new JsonObject { ["type"] = AuthModes.ApiKey, ["apiKey"] = body.Text("apiKey", ApiKey, required: true) },
            caller, request, entry, saver, cancellationToken);

    /// <summary>Both keys are required and may be empty strings (spec §4.4).</summary>
    public static Task<Results<Ok<JsonObject>, ApiError>> SubmitBasicAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken) =>
        SubmitAsync(providerConfigKey, AuthModes.Basic, ["username", "password"],
            body => new JsonObject
            {
                ["type"] = AuthModes.Basic,
                ["username"] = body.Text("username", BasicPart, required: true),
                ["password"] = body.Text("password", BasicPart, required: true),
            },
            caller, request, entry, saver, cancellationToken);

    /// <summary><c>POST /auth/unauthenticated/:key</c> for <c>NONE</c> providers: the body must be empty.</summary>
    public static Task<Results<Ok<JsonObject>, ApiError>> CreateUnauthenticatedAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken) =>
        SubmitAsync(providerConfigKey, AuthModes.None, [], _ => new JsonObject { ["type"] = AuthModes.None },
            caller, request, entry, saver, cancellationToken);

    /// <summary>
    /// <c>POST /auth/two-step/:key</c>: the provider's credential fields, exchanged for a token by the catalog's recipe,
    /// then verified and saved. <c>type</c> and <c>assertionOption</c> are accepted and not stored.
    /// </summary>
    public static Task<Results<Ok<JsonObject>, ApiError>> SubmitTwoStepAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, TwoStepExchange twoStep,
        CancellationToken cancellationToken) =>
        SubmitFieldsAsync(providerConfigKey, AuthModes.TwoStep, ["type", "assertionOption"],
            (context, entered, token) => twoStep.ExchangeAsync(context.Provider, entered, context.ConnectionConfig, token),
            caller, request, entry, saver, cancellationToken);

    /// <summary>
    /// <c>POST /auth/jwt/:key</c>: the provider's credential fields, from which this server signs the token the catalog
    /// describes; then verified and saved. <c>type</c> is accepted and not stored.
    /// </summary>
    public static Task<Results<Ok<JsonObject>, ApiError>> SubmitJwtAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, JwtTokens jwt,
        CancellationToken cancellationToken) =>
        SubmitFieldsAsync(providerConfigKey, AuthModes.Jwt, ["type"],
            (context, entered, _) => Task.FromResult(jwt.Sign(context.Provider, entered)),
            caller, request, entry, saver, cancellationToken);

    // Modes whose body is the provider's own credential fields (free-form, spec §4.4), turned into a token before
    // verification: the shared checks, then the fields against the catalog schema, then obtain, verify and save.
    private static async Task<Results<Ok<JsonObject>, ApiError>> SubmitFieldsAsync(
        string providerConfigKey, string mode, string[] alsoAccepted,
        Func<EntryContext, JsonObject, CancellationToken, Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)>>> obtainToken,
        Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var context = await entry.PrepareAsync(caller, providerConfigKey, request.Query, candidate => candidate == mode, cancellationToken);
        if (context.Failed)
        {
            return context.Error;
        }

        var fields = CredentialFieldRules.Read(context.Value.Provider, body.Value, alsoAccepted);
        return fields.Failed
            ? fields.Error
            : await saver.VerifyAndSaveAsync(context.Value, fields.Value, cancellationToken, (entered, token) => obtainToken(context.Value, entered, token));
    }

    // Body first, then the checks every entry point shares, then verification and save (spec §4.4 order).
    private static async Task<Results<Ok<JsonObject>, ApiError>> SubmitAsync(
        string providerConfigKey, string mode, string[] bodyKeys, Func<JsonObjectReader, JsonObject> readCredentials, Caller caller,
        HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, cancellationToken);
        if (body.Failed)
        {
            return body.Error;
        }

        var validator = new Validator();
        var credentials = JsonObjectReader.Root(body.Value, validator, bodyKeys) is { } reader ? readCredentials(reader) : null;
        if (validator.HasErrors || credentials is null)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        var context = await entry.PrepareAsync(caller, providerConfigKey, request.Query, candidate => candidate == mode, cancellationToken);
        return context.Failed ? context.Error : await saver.VerifyAndSaveAsync(context.Value, credentials, cancellationToken);
    }
}
