using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Client.Tests;

public sealed class WebhookVerifierTests
{
    private const string Key = "lk_sk_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);

    private static LatchkeyWebhookVerifier Verifier(FakeTimeProvider? clock = null, WebhookReplayGuard? guard = null, bool allowNango = false) =>
        new(new LatchkeyWebhookOptions { SigningKey = Key, AllowNangoSignature = allowNango }, clock ?? new FakeTimeProvider(Now), guard);

    [Fact]
    public void AValidDelivery_IsAcceptedAndParsed()
    {
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, Now, eventId: "7d4c0d5e-6f1a-4b2c-9d8e-0f1a2b3c4d5e");

        var result = Verifier().Verify(WebhookSender.Body, headers);

        Assert.True(result.IsValid, result.Reason);
        var hook = result.Webhook!;
        Assert.Equal(("auth", "nango", AuthWebhookOperations.Creation, true), (hook.Type, hook.From, hook.Operation, hook.Success));
        Assert.Equal(("4c1e5f0e-1b2c-4d5e-8f90-a1b2c3d4e5f6", "fake-apikey", "fake-apikey", "API_KEY", "dev"),
            (hook.ConnectionId, hook.ProviderConfigKey, hook.Provider, hook.AuthMode, hook.Environment));
        Assert.Equal(("u_42", "ada@example.com", "org_1"), (hook.EndUser?.EndUserId, hook.EndUser?.EndUserEmail, hook.EndUser?.OrganizationId));
        Assert.Equal("u_42", hook.Tags?["end_user_id"]);
        Assert.Null(hook.Error);
        Assert.Equal("7d4c0d5e-6f1a-4b2c-9d8e-0f1a2b3c4d5e", hook.EventId);
    }

    [Fact]
    public void AFailureDelivery_CarriesItsError()
    {
        const string body = """{"authMode":"OAUTH2","connectionId":"c1","environment":"prod","error":{"description":"The provider refused the refresh token.","type":"refresh_token_external_error"},"from":"nango","operation":"refresh","provider":"github","providerConfigKey":"gh","success":false,"type":"auth"}""";

        var result = Verifier().Verify(body, WebhookSender.Headers(Key, body, Now));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal((AuthWebhookOperations.Refresh, false, "refresh_token_external_error"), (result.Webhook!.Operation, result.Webhook.Success, result.Webhook.Error?.Type));
        Assert.Null(result.Webhook.EndUser);
    }

    [Fact]
    public void ATamperedBody_IsRefused()
    {
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, Now);
        var tampered = WebhookSender.Body.Replace("\"success\":true", "\"success\":false", StringComparison.Ordinal);

        var result = Verifier().Verify(tampered, headers);

        Assert.Equal(WebhookFailure.InvalidSignature, result.Failure);
        Assert.Null(result.Webhook);
    }

    [Fact]
    public void ASignatureMadeWithAnotherKey_IsRefused()
    {
        var headers = WebhookSender.Headers("lk_sk_" + new string('f', 64), WebhookSender.Body, Now);

        Assert.Equal(WebhookFailure.InvalidSignature, Verifier().Verify(WebhookSender.Body, headers).Failure);
    }

    [Fact]
    public void AChangedEventIdOrTimestamp_BreaksTheSignature()
    {
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, Now);
        var otherEvent = new Dictionary<string, string>(headers) { ["X-Latchkey-Event-Id"] = Guid.NewGuid().ToString() };
        var otherTime = new Dictionary<string, string>(headers) { ["X-Latchkey-Timestamp"] = Now.AddSeconds(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Equal(WebhookFailure.InvalidSignature, Verifier().Verify(WebhookSender.Body, otherEvent).Failure);
        Assert.Equal(WebhookFailure.InvalidSignature, Verifier().Verify(WebhookSender.Body, otherTime).Failure);
    }

    [Theory]
    [InlineData(-301, WebhookFailure.TimestampOutOfTolerance)]
    [InlineData(-299, WebhookFailure.None)]
    [InlineData(299, WebhookFailure.None)]
    [InlineData(301, WebhookFailure.TimestampOutOfTolerance)]
    public void TheTimestamp_MustBeWithinFiveMinutes(int secondsFromNow, WebhookFailure expected)
    {
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, Now.AddSeconds(secondsFromNow));

        Assert.Equal(expected, Verifier().Verify(WebhookSender.Body, headers).Failure);
    }

    [Fact]
    public void AnOldDelivery_AcceptedThen_IsRefusedOnceTheClockMovesOn()
    {
        var clock = new FakeTimeProvider(Now);
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, Now);
        var verifier = Verifier(clock);

        var first = verifier.Verify(WebhookSender.Body, headers);
        clock.Advance(TimeSpan.FromMinutes(6));
        var later = verifier.Verify(WebhookSender.Body, headers);

        Assert.True(first.IsValid);
        Assert.Equal(WebhookFailure.TimestampOutOfTolerance, later.Failure);
    }

    [Fact]
    public void AReplayedEventId_IsRefusedByTheGuard_AndAcceptedAgainOnceReleased()
    {
        var clock = new FakeTimeProvider(Now);
        var guard = new WebhookReplayGuard(clock);
        var verifier = Verifier(clock, guard);
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, Now, eventId: "event-1");
        // The sender's retry: same event id, a later attempt time, so a different signature.
        var retry = WebhookSender.Headers(Key, WebhookSender.Body, Now.AddSeconds(20), eventId: "event-1");

        var first = verifier.Verify(WebhookSender.Body, headers);
        var replay = verifier.Verify(WebhookSender.Body, headers);
        var retried = verifier.Verify(WebhookSender.Body, retry);
        guard.Release("event-1");
        var afterRelease = verifier.Verify(WebhookSender.Body, retry);
        var another = verifier.Verify(WebhookSender.Body, WebhookSender.Headers(Key, WebhookSender.Body, Now, eventId: "event-2"));

        Assert.True(first.IsValid);
        Assert.Equal((WebhookFailure.Replayed, "event-1"), (replay.Failure, replay.EventId));
        Assert.Equal(WebhookFailure.Replayed, retried.Failure);
        Assert.True(afterRelease.IsValid);
        Assert.True(another.IsValid);
    }

    [Fact]
    public void TheGuard_ForgetsEventsAfterTheirWindow()
    {
        var clock = new FakeTimeProvider(Now);
        var guard = new WebhookReplayGuard(clock);

        Assert.True(guard.TryClaim("e", Now.AddMinutes(5)));
        Assert.False(guard.TryClaim("e", Now.AddMinutes(5)));
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.True(guard.TryClaim("e", clock.GetUtcNow().AddMinutes(5)));
    }

    [Fact]
    public void WithoutTheLatchkeySignature_ANangoStyleDelivery_IsRefusedUnlessAllowed()
    {
        var nangoOnly = WebhookSender.Headers(Key, WebhookSender.Body, Now)
            .Where(h => !h.Key.StartsWith("X-Latchkey", StringComparison.Ordinal))
            .ToDictionary(h => h.Key, h => h.Value);
        var forged = new Dictionary<string, string>(nangoOnly) { ["X-Nango-Hmac-Sha256"] = new string('0', 64) };

        Assert.Equal(WebhookFailure.MissingSignature, Verifier().Verify(WebhookSender.Body, nangoOnly).Failure);
        var allowed = Verifier(allowNango: true).Verify(WebhookSender.Body, nangoOnly);
        Assert.True(allowed.IsValid, allowed.Reason);
        Assert.Null(allowed.Webhook!.EventId);
        Assert.Equal(WebhookFailure.InvalidSignature, Verifier(allowNango: true).Verify(WebhookSender.Body, forged).Failure);
    }

    [Fact]
    public void MissingOrMalformedHeaders_AndANonWebhookBody_AreRefusedWithTheirReason()
    {
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, Now);
        var noEventId = new Dictionary<string, string>(headers);
        noEventId.Remove("X-Latchkey-Event-Id");
        var badTimestamp = new Dictionary<string, string>(headers) { ["X-Latchkey-Timestamp"] = "yesterday" };
        var lowerCase = headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        const string notAHook = """{"hello":"world"}""";

        Assert.Equal(WebhookFailure.MissingHeaders, Verifier().Verify(WebhookSender.Body, noEventId).Failure);
        Assert.Equal(WebhookFailure.MissingHeaders, Verifier().Verify(WebhookSender.Body, badTimestamp).Failure);
        Assert.True(Verifier().Verify(WebhookSender.Body, lowerCase).IsValid);
        Assert.Equal(WebhookFailure.MalformedPayload, Verifier().Verify(notAHook, WebhookSender.Headers(Key, notAHook, Now)).Failure);
    }

    [Fact]
    public void TwoSignatures_DuringAKeyChange_EitherMatches()
    {
        var headers = WebhookSender.Headers(Key, WebhookSender.Body, Now);
        headers["X-Latchkey-Signature"] = "v1=" + new string('a', 64) + "," + headers["X-Latchkey-Signature"];

        Assert.True(Verifier().Verify(WebhookSender.Body, headers).IsValid);
    }

    [Fact]
    public void Options_NeverPrintTheSigningKey()
    {
        Assert.DoesNotContain(Key, new LatchkeyWebhookOptions { SigningKey = Key }.ToString(), StringComparison.Ordinal);
    }
}
