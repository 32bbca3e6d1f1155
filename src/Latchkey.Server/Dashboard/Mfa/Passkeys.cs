using System.Buffers.Binary;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Latchkey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Dashboard.Mfa;

/// <summary>
/// WebAuthn registration and sign-in with the Fido2 library. The relying party is the dashboard's host: the one of
/// LATCHKEY_SERVER_URL when set, else the request's (after a trusted proxy's forwarded headers), and the browser's
/// origin must be that URL's. The user handle is the user's id, never their e-mail. A ceremony's options wait in
/// <see cref="PasskeyStore"/> between the page that starts it and the form that finishes it.
/// </summary>
public sealed class Passkeys(PasskeyStore store, IOptions<ServerOptions> server)
{
    /// <summary>An authenticator's answer is a few hundred bytes to a few kilobytes of JSON; more is refused unread.</summary>
    public const int MaxAnswerLength = 16_384;

    /// <summary>What a successful sign-in tells: whose passkey it was.</summary>
    public sealed record SignedIn(long UserId);

    /// <summary>Options for <c>navigator.credentials.create</c>, and the ceremony that holds them.</summary>
    public async Task<(string Ceremony, string OptionsJson)> StartRegistrationAsync(HttpContext http, long userId, string email, CancellationToken cancellationToken)
    {
        var existing = (await store.ListAsync(userId, cancellationToken)).Select(p => new PublicKeyCredentialDescriptor(p.CredentialId)).ToArray();
        var options = Fido2For(http).RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = UserHandle(userId), Name = email, DisplayName = email },
            ExcludeCredentials = existing,
            AuthenticatorSelection = new AuthenticatorSelection { ResidentKey = ResidentKeyRequirement.Required, UserVerification = UserVerificationRequirement.Preferred },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        var json = options.ToJson();
        return (await store.StartCeremonyAsync(userId, json, cancellationToken), json);
    }

    /// <summary>Verifies the authenticator's answer and saves the passkey; null when done, else why not.</summary>
    public async Task<string?> FinishRegistrationAsync(HttpContext http, long userId, string? ceremony, string? answerJson, string name, CancellationToken cancellationToken)
    {
        if (await store.ClaimCeremonyAsync(ceremony, userId, cancellationToken) is not { } optionsJson)
        {
            return "The passkey setup expired. Start again.";
        }

        try
        {
            var answer = JsonSerializer.Deserialize<AuthenticatorAttestationRawResponse>(answerJson ?? "")!;
            var credential = await Fido2For(http).MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = answer,
                OriginalOptions = CredentialCreateOptions.FromJson(optionsJson),
                IsCredentialIdUniqueToUserCallback = async (args, token) => await store.FindAsync(args.CredentialId, token) is null,
            }, cancellationToken);
            return await store.AddAsync(userId, credential.Id, credential.PublicKey, credential.SignCount, name, cancellationToken)
                ? null
                : "This passkey is already registered.";
        }
        catch (Exception failure) when (failure is Fido2VerificationException or JsonException or ArgumentException or FormatException)
        {
            return "The passkey could not be verified: " + failure.Message;
        }
    }

    /// <summary>
    /// Options for <c>navigator.credentials.get</c>: for the second step, the user's passkeys; for a passwordless
    /// sign-in (no user), any passkey of this site, with user verification required since it stands for two factors.
    /// </summary>
    public async Task<(string Ceremony, string OptionsJson)> StartSignInAsync(HttpContext http, long? userId, CancellationToken cancellationToken)
    {
        var allowed = userId is { } id ? (await store.ListAsync(id, cancellationToken)).Select(p => new PublicKeyCredentialDescriptor(p.CredentialId)).ToArray() : [];
        var options = Fido2For(http).GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed,
            UserVerification = userId is null ? UserVerificationRequirement.Required : UserVerificationRequirement.Preferred,
        });
        var json = options.ToJson();
        return (await store.StartCeremonyAsync(userId, json, cancellationToken), json);
    }

    /// <summary>Verifies a signature from one of the passkeys (of this user, when given); null when it is not right.</summary>
    public async Task<SignedIn?> FinishSignInAsync(HttpContext http, long? userId, string? ceremony, string? answerJson, CancellationToken cancellationToken)
    {
        if (await store.ClaimCeremonyAsync(ceremony, userId, cancellationToken) is not { } optionsJson)
        {
            return null;
        }

        try
        {
            var answer = JsonSerializer.Deserialize<AuthenticatorAssertionRawResponse>(answerJson ?? "")!;
            var passkey = await store.FindAsync(answer.RawId, cancellationToken);
            if (passkey is null || (userId is not null && passkey.UserId != userId))
            {
                return null;
            }

            var result = await Fido2For(http).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = answer,
                OriginalOptions = AssertionOptions.FromJson(optionsJson),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(args.UserHandle.AsSpan().SequenceEqual(UserHandle(passkey.UserId))),
            }, cancellationToken);
            await store.UsedAsync(passkey.Id, result.SignCount, cancellationToken);
            return new SignedIn(passkey.UserId);
        }
        catch (Exception failure) when (failure is Fido2VerificationException or JsonException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private Fido2 Fido2For(HttpContext http)
    {
        var configured = server.Value.ServerUrl;
        var origin = string.IsNullOrWhiteSpace(configured)
            ? new Uri($"{http.Request.Scheme}://{http.Request.Host.Value}")
            : new Uri(configured.Trim());
        return new Fido2(new Fido2Configuration
        {
            RPID = origin.Host,
            RPName = "Latchkey",
            Origins = new HashSet<string>(StringComparer.Ordinal) { origin.GetLeftPart(UriPartial.Authority) },
        });
    }

    private static byte[] UserHandle(long userId)
    {
        var handle = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(handle, userId);
        return handle;
    }
}
