namespace Latchkey.Client;

/// <summary>How <see cref="LatchkeyWebhookVerifier"/> checks deliveries.</summary>
public sealed class LatchkeyWebhookOptions
{
    /// <summary>The environment's webhook signing key (by default the environment's secret key). Never printed.</summary>
    public string SigningKey { get; set; } = "";

    /// <summary>How far <c>X-Latchkey-Timestamp</c> may be from now, either way. Default 5 minutes.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Accept deliveries that carry only <c>X-Nango-Hmac-Sha256</c> (Nango-style senders). Off by default: that
    /// signature covers the body alone, without timestamp or event id, so a captured delivery can be replayed forever.
    /// </summary>
    public bool AllowNangoSignature { get; set; }

    /// <summary>The settings; the signing key is redacted.</summary>
    public override string ToString() =>
        $"LatchkeyWebhookOptions {{ SigningKey = [redacted], Tolerance = {Tolerance}, AllowNangoSignature = {AllowNangoSignature} }}";
}
