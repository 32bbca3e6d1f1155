using System.Text.Json.Nodes;
using Latchkey.Server.Callers;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;
using Latchkey.Server.Integrations;
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
    private static readonly StringRule Field = StringRule.Bounded(1, 4096);

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

    /// <summary>
    /// <c>POST /auth/signature/:key</c> (WSSE): username and secret, from which this server computes the token the
    /// provider checks; then verified and saved. All three keys are required (spec §4.4); <c>type</c> is not stored.
    /// </summary>
    public static Task<Results<Ok<JsonObject>, ApiError>> SubmitSignatureAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, WsseTokens wsse,
        CancellationToken cancellationToken) =>
        SubmitAsync(providerConfigKey, AuthModes.Signature, ["username", "password", "type"],
            body =>
            {
                body.Text("type", Field, required: true);
                return new JsonObject
                {
                    ["type"] = AuthModes.Signature,
                    ["username"] = body.Text("username", Field, required: true),
                    ["password"] = body.Text("password", Field, required: true),
                };
            },
            caller, request, entry, saver, cancellationToken,
            new Submission(Obtain: (context, entered, _) => Task.FromResult(wsse.Sign(context.Provider, entered))));

    /// <summary><c>POST /auth/bill/:key</c>: the four sign-in fields open a BILL API session, which is verified and saved.</summary>
    public static Task<Results<Ok<JsonObject>, ApiError>> SubmitBillAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, BillSessions bill,
        CancellationToken cancellationToken) =>
        SubmitAsync(providerConfigKey, AuthModes.Bill, BillSessions.Fields,
            body =>
            {
                var credentials = new JsonObject { ["type"] = AuthModes.Bill };
                foreach (var name in BillSessions.Fields)
                {
                    credentials[name] = body.Text(name, Field, required: true);
                }

                return credentials;
            },
            caller, request, entry, saver, cancellationToken,
            new Submission(Obtain: (context, entered, token) => bill.SignInAsync(context.Provider, entered, context.ConnectionConfig, token)));

    /// <summary>
    /// <c>POST /auth/tba/:key</c> (NetSuite token-based authentication): the user's token id and secret, checked by a
    /// verification request signed with them and the integration's consumer key and secret (or the overrides given
    /// here, which are stored as <c>config_override</c>). A refused check is 400 <c>invalid_credentials</c>.
    /// </summary>
    public static Task<Results<Ok<JsonObject>, ApiError>> SubmitTbaAsync(
        string providerConfigKey, Caller caller, HttpRequest request, EntryRequest entry, CredentialSaver saver, IntegrationStore integrations,
        TimeProvider clock, CancellationToken cancellationToken) =>
        SubmitAsync(providerConfigKey, AuthModes.Tba, ["token_id", "token_secret", "oauth_client_id_override", "oauth_client_secret_override"],
            body =>
            {
                var credentials = new JsonObject
                {
                    ["type"] = AuthModes.Tba,
                    ["token_id"] = body.Text("token_id", Field, required: true),
                    ["token_secret"] = body.Text("token_secret", Field, required: true),
                };
                var overrides = new JsonObject();
                foreach (var (name, key) in new[] { ("oauth_client_id_override", "client_id"), ("oauth_client_secret_override", "client_secret") })
                {
                    if (body.Text(name, StringRule.Bounded(0, 4096)) is { Length: > 0 } value)
                    {
                        overrides[key] = value;
                    }
                }

                if (overrides.Count > 0)
                {
                    credentials["config_override"] = overrides;
                }

                return credentials;
            },
            caller, request, entry, saver, cancellationToken,
            new Submission(Signer: (context, credentials) => TbaSigner.For(context.Integration, integrations, credentials, context.ConnectionConfig, clock)));

    /// <summary>How a mode turns what was entered into what is verified: obtain a token first, or sign each request.</summary>
    private sealed record Submission(
        Func<EntryContext, JsonObject, CancellationToken, Task<Outcome<(JsonObject Credentials, DateTimeOffset? ExpiresAt)>>>? Obtain = null,
        Func<EntryContext, JsonObject, Outcome<Action<HttpRequestMessage>>>? Signer = null);

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
        HttpRequest request, EntryRequest entry, CredentialSaver saver, CancellationToken cancellationToken, Submission? how = null)
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
        if (context.Failed)
        {
            return context.Error;
        }

        Action<HttpRequestMessage>? sign = null;
        if (how?.Signer is { } signer)
        {
            var signing = signer(context.Value, credentials);
            if (signing.Failed)
            {
                return signing.Error;
            }

            sign = signing.Value;
        }

        var obtain = how?.Obtain;
        return await saver.VerifyAndSaveAsync(context.Value, credentials, cancellationToken,
            obtain is null ? null : (entered, token) => obtain(context.Value, entered, token), sign);
    }
}
