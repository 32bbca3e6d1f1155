namespace Latchkey.Client;

/// <summary>Where the Latchkey server is and which environment's secret key the client uses.</summary>
public sealed class LatchkeyClientOptions
{
    /// <summary>Base URL of the API, e.g. <c>http://localhost:3003</c> or <c>https://auth.example.com</c>.</summary>
    public string BaseUrl { get; set; } = "http://localhost:3003";

    /// <summary>The environment's secret key (<c>lk_sk_…</c>, or a UUID on Nango-style servers). Never printed.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Checks that both values are usable; throws <see cref="InvalidOperationException"/> naming the problem.</summary>
    public void Validate()
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"LatchkeyClientOptions.BaseUrl must be an absolute http(s) URL; got '{BaseUrl}'.");
        }

        if (string.IsNullOrWhiteSpace(SecretKey))
        {
            throw new InvalidOperationException("LatchkeyClientOptions.SecretKey is required.");
        }
    }

    /// <summary>The base URL only; the secret key is redacted.</summary>
    public override string ToString() => $"LatchkeyClientOptions {{ BaseUrl = {BaseUrl}, SecretKey = [redacted] }}";
}
