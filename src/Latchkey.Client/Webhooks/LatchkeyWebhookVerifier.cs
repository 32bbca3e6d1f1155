using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Latchkey.Client;

/// <summary>
/// Checks that an auth webhook comes from your Latchkey server and is recent, then reads it into an
/// <see cref="AuthWebhook"/>. Verifies <c>X-Latchkey-Signature: v1=hex(HMAC-SHA256(signingKey, eventId + "." +
/// timestamp + "." + body))</c> over the exact bytes received, in constant time, and refuses a timestamp outside
/// <see cref="LatchkeyWebhookOptions.Tolerance"/>. Thread-safe.
/// </summary>
public sealed class LatchkeyWebhookVerifier
{
    /// <summary>Header carrying the event id, the same on every retry of one event.</summary>
    public const string EventIdHeader = "X-Latchkey-Event-Id";

    /// <summary>Header carrying the attempt's time in Unix seconds.</summary>
    public const string TimestampHeader = "X-Latchkey-Timestamp";

    /// <summary>Header carrying <c>v1=&lt;hex&gt;</c> signatures (several may be comma-separated during a key change).</summary>
    public const string SignatureHeader = "X-Latchkey-Signature";

    /// <summary>Nango's body-only HMAC header, checked only when <see cref="LatchkeyWebhookOptions.AllowNangoSignature"/> is set.</summary>
    public const string NangoHmacHeader = "X-Nango-Hmac-Sha256";

    private readonly byte[] _key;
    private readonly LatchkeyWebhookOptions _options;
    private readonly TimeProvider _clock;
    private readonly WebhookReplayGuard? _replayGuard;

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">The signing key and checks.</param>
    /// <param name="clock">The clock timestamps are compared with; the system clock by default.</param>
    /// <param name="replayGuard">When given, an event id already accepted is refused as <see cref="WebhookFailure.Replayed"/>.</param>
    public LatchkeyWebhookVerifier(LatchkeyWebhookOptions options, TimeProvider? clock = null, WebhookReplayGuard? replayGuard = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException("LatchkeyWebhookOptions.SigningKey is required.");
        }

        _options = options;
        _key = Encoding.UTF8.GetBytes(options.SigningKey);
        _clock = clock ?? TimeProvider.System;
        _replayGuard = replayGuard;
    }

    /// <summary>The replay guard in use, if any (the ASP.NET Core endpoint releases an event its handler failed on).</summary>
    public WebhookReplayGuard? ReplayGuard => _replayGuard;

    /// <summary>Verifies a delivery given its body text and headers (looked up case-insensitively).</summary>
    /// <param name="rawBody">The request body exactly as received.</param>
    /// <param name="headers">The request headers.</param>
    /// <returns>The webhook, or the reason it was refused.</returns>
    public WebhookVerificationResult Verify(string rawBody, IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        ArgumentNullException.ThrowIfNull(headers);
        var lookup = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        return Verify(Encoding.UTF8.GetBytes(rawBody), name => lookup.GetValueOrDefault(name));
    }

    /// <summary>Verifies a delivery given its body bytes and a header lookup.</summary>
    /// <param name="rawBody">The request body exactly as received.</param>
    /// <param name="header">Returns a header's value, or null when absent.</param>
    /// <returns>The webhook, or the reason it was refused.</returns>
    public WebhookVerificationResult Verify(ReadOnlySpan<byte> rawBody, Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var signature = header(SignatureHeader);
        string? eventId = null;
        DateTimeOffset? expiresAt = null;
        if (!string.IsNullOrEmpty(signature))
        {
            eventId = header(EventIdHeader);
            var timestampText = header(TimestampHeader);
            if (string.IsNullOrEmpty(eventId) || string.IsNullOrEmpty(timestampText))
            {
                return WebhookVerificationResult.Fail(WebhookFailure.MissingHeaders, $"{SignatureHeader} needs {EventIdHeader} and {TimestampHeader}.");
            }

            if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            {
                return WebhookVerificationResult.Fail(WebhookFailure.MissingHeaders, $"{TimestampHeader} is not a Unix time in seconds.");
            }

            var signed = Encoding.UTF8.GetBytes($"{eventId}.{timestampText}.");
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
            hmac.AppendData(signed);
            hmac.AppendData(rawBody);
            if (!AnyMatches(hmac.GetHashAndReset(), signature, prefix: "v1="))
            {
                return WebhookVerificationResult.Fail(WebhookFailure.InvalidSignature, $"{SignatureHeader} does not match the body.");
            }

            var sentAt = DateTimeOffset.FromUnixTimeSeconds(timestamp);
            if ((_clock.GetUtcNow() - sentAt).Duration() > _options.Tolerance)
            {
                return WebhookVerificationResult.Fail(WebhookFailure.TimestampOutOfTolerance, $"{TimestampHeader} is more than {_options.Tolerance.TotalSeconds:0} s from now.");
            }

            expiresAt = sentAt + _options.Tolerance;
        }
        else if (_options.AllowNangoSignature && header(NangoHmacHeader) is { Length: > 0 } nangoSignature)
        {
            if (!AnyMatches(HMACSHA256.HashData(_key, rawBody), nangoSignature, prefix: null))
            {
                return WebhookVerificationResult.Fail(WebhookFailure.InvalidSignature, $"{NangoHmacHeader} does not match the body.");
            }
        }
        else
        {
            return WebhookVerificationResult.Fail(WebhookFailure.MissingSignature, _options.AllowNangoSignature
                ? $"The request carries neither {SignatureHeader} nor {NangoHmacHeader}."
                : $"The request carries no {SignatureHeader}.");
        }

        AuthWebhook? webhook;
        try
        {
            webhook = JsonSerializer.Deserialize(rawBody, WebhookJsonContext.Default.AuthWebhook);
        }
        catch (JsonException)
        {
            webhook = null;
        }

        if (webhook is null)
        {
            return WebhookVerificationResult.Fail(WebhookFailure.MalformedPayload, "The body is signed but is not an auth webhook.");
        }

        if (eventId is not null && _replayGuard is not null && !_replayGuard.TryClaim(eventId, expiresAt!.Value))
        {
            return WebhookVerificationResult.Fail(WebhookFailure.Replayed, $"Event {eventId} was already accepted.", eventId);
        }

        return new WebhookVerificationResult { Webhook = webhook with { EventId = eventId } };
    }

    // Compares in constant time against every candidate, so a key change can send two signatures.
    private static bool AnyMatches(byte[] expected, string header, string? prefix)
    {
        var matched = false;
        foreach (var part in header.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (prefix is not null && !part.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            byte[] candidate;
            try
            {
                candidate = Convert.FromHexString(prefix is null ? part : part[prefix.Length..]);
            }
            catch (FormatException)
            {
                continue;
            }

            matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }

        return matched;
    }
}

/// <summary>Why a delivery was refused.</summary>
public enum WebhookFailure
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>No signature header the verifier accepts.</summary>
    MissingSignature,

    /// <summary>A signature without its event id or timestamp, or a malformed timestamp.</summary>
    MissingHeaders,

    /// <summary>The signature does not match: wrong key, or the body or headers were changed.</summary>
    InvalidSignature,

    /// <summary>The timestamp is outside the tolerance (an old delivery replayed, or a skewed clock).</summary>
    TimestampOutOfTolerance,

    /// <summary>This event id was already accepted (a duplicate delivery).</summary>
    Replayed,

    /// <summary>Correctly signed, but not an auth webhook body.</summary>
    MalformedPayload,
}

/// <summary>The outcome of <see cref="LatchkeyWebhookVerifier.Verify(ReadOnlySpan{byte}, Func{string, string?})"/>.</summary>
public sealed record WebhookVerificationResult
{
    /// <summary>True when the delivery is authentic, recent and new.</summary>
    public bool IsValid => Failure == WebhookFailure.None;

    /// <summary>The webhook when valid.</summary>
    public AuthWebhook? Webhook { get; init; }

    /// <summary>Why it was refused, or <see cref="WebhookFailure.None"/>.</summary>
    public WebhookFailure Failure { get; init; }

    /// <summary>A sentence explaining the refusal (never contains a secret).</summary>
    public string? Reason { get; init; }

    /// <summary>The event id of a refused duplicate.</summary>
    public string? EventId { get; init; }

    internal static WebhookVerificationResult Fail(WebhookFailure failure, string reason, string? eventId = null) =>
        new() { Failure = failure, Reason = reason, EventId = eventId };
}
