namespace Latchkey.Server.Hosting;

/// <summary>
/// <c>Latchkey.Server health [url]</c>: asks a running server for readiness and exits 0 when it is ready, 1 otherwise.
/// It is the container's HEALTHCHECK, since the runtime image has no curl or shell. The default URL is this
/// machine's <c>LATCHKEY_PORT</c> (3003), over https when a certificate is configured.
/// </summary>
public static class HealthProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = args is [var given, ..] ? given : DefaultUrl();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync("usage: health [http(s)://host:port/health/ready]");
            return 2;
        }

        // The certificate of a server asked on its own loopback address may be made out to its public name only.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => target.IsLoopback };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(target);
            Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{target} did not answer: {exception.Message}");
            return 1;
        }
    }

    private static string DefaultUrl()
    {
        var port = Environment.GetEnvironmentVariable("LATCHKEY_PORT") is { Length: > 0 } value ? value : "3003";
        var scheme = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("LATCHKEY_TLS_CERT_FILE")) ? "http" : "https";
        return $"{scheme}://127.0.0.1:{port}/health/ready";
    }
}
