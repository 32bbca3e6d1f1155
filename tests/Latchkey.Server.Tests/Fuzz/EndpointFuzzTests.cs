using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Latchkey.Server.Vault;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Latchkey.Server.Tests.Fuzz;

/// <summary>
/// Generated bodies, queries, headers and path segments sent to every endpoint of a real server, enumerated from its
/// <see cref="EndpointDataSource"/> so a new route is fuzzed without a change here, as the dev secret key, a session
/// token (header or query), the public key, a garbage Authorization header or nobody. No answer may be a 5xx, carry a
/// stack trace or a secret the caller could not already read, and no Error log line may carry a stack trace.
/// LATCHKEY_FUZZ_CASES sets the number of cases (10,000 by default), LATCHKEY_FUZZ_SEED replays a run.
/// </summary>
public sealed partial class EndpointFuzzTests
{
    private const int DefaultCases = 10_000;
    private const int KestrelRequestLineLimit = 8 * 1024;

    [Fact]
    public async Task EveryEndpoint_AnswersGeneratedRequests_WithoutA5xx_AStackTrace_OrASecret()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("LATCHKEY_FUZZ_CASES"), out var configured) && configured > 0 ? configured : DefaultCases;
        var encryptionKey = EncryptionKey.Generate().ToBase64();
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["LATCHKEY_ENCRYPTION_KEY"] = encryptionKey,
            ["LATCHKEY_PUBLIC_KEY_AUTH"] = "true",
            // Rate limits answer 429 long before 10,000 requests: off here, so every case reaches its handler.
            ["LATCHKEY_RATE_LIMIT_API"] = "0",
            ["LATCHKEY_RATE_LIMIT_ENTRY"] = "0",
            ["LATCHKEY_RATE_LIMIT_LOGIN_IP"] = "0",
            ["LATCHKEY_RATE_LIMIT_LOGIN_FAILURES"] = "0",
        });
        var world = await FuzzWorld.CreateAsync(app, encryptionKey);
        var endpoints = Endpoints(app);
        Assert.True(endpoints.Count >= 40, $"expected the server's routes, found {endpoints.Count}");

        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 8 })
        {
            BaseAddress = new Uri(app.BaseUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var fresh = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = new Uri(app.BaseUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };
        var uiBuilt = app.Services.GetRequiredService<Latchkey.Server.ConnectUi.ConnectUiPage>().IndexHtml() is not null;
        var statuses = new ConcurrentDictionary<int, int>();
        var slowest = new ConcurrentBag<(double Ms, string Request)>();
        var clock = Stopwatch.StartNew();
        await FuzzInputs.Cases.SampleAsync(
            async fuzzCase =>
            {
                var (request, sent) = Build(fuzzCase, endpoints, world);
                using var _ = request;
                var target = request.RequestUri!.OriginalString;
                var started = Stopwatch.GetTimestamp();
                HttpResponseMessage sentResponse;
                try
                {
                    sentResponse = await client.SendAsync(request, Server.Cancellation);
                }
                catch (HttpRequestException) when (target.Length > KestrelRequestLineLimit)
                {
                    // Kestrel answers 414 and closes while the client is still writing: refused before any handler ran.
                    statuses.AddOrUpdate(414, 1, (_, count) => count + 1);
                    return;
                }
                catch (HttpRequestException)
                {
                    // A kept-alive connection the server had just closed (after refusing an earlier request) is no
                    // answer to this one: sent again once on a connection of its own, where a failure counts.
                    request.Dispose();
                    (request, sent) = Build(fuzzCase, endpoints, world);
                    sentResponse = await fresh.SendAsync(request, Server.Cancellation);
                }

                using var response = sentResponse;
                slowest.Add((Stopwatch.GetElapsedTime(started).TotalMilliseconds, $"{(int)response.StatusCode} {request.Method} {request.RequestUri?.ToString()[..Math.Min(150, request.RequestUri.ToString().Length)]} as {fuzzCase.Caller}"));
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, count) => count + 1);
                var answer = string.Join('\n', response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"))
                    + "\n" + await response.Content.ReadAsStringAsync(Server.Cancellation);
                // A build without the Connect UI (LatchkeySkipConnectUi) says so with a deliberate 503 on its routes.
                var uiMissing = !uiBuilt && (int)response.StatusCode == 503 && target.StartsWith("/connect-ui", StringComparison.Ordinal);
                Assert.True((int)response.StatusCode < 500 || uiMissing, $"{(int)response.StatusCode} for {request.Method} {request.RequestUri}: {answer}");
                Assert.False(StackTrace().IsMatch(answer), $"stack trace in the answer to {request.Method} {request.RequestUri}: {answer}");
                foreach (var secret in world.SecretsHiddenFrom(fuzzCase.Caller, sent))
                {
                    Assert.False(answer.Contains(secret, StringComparison.Ordinal), $"a secret in the answer to {request.Method} {request.RequestUri} as {fuzzCase.Caller}: {answer}");
                }
            },
            seed: Environment.GetEnvironmentVariable("LATCHKEY_FUZZ_SEED"),
            iter: cases,
            threads: 4,
            writeLine: line => TestContext.Current.TestOutputHelper?.WriteLine(line));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{cases} cases over {endpoints.Count} routes in {clock.Elapsed.TotalSeconds:F1} s; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        foreach (var (ms, what) in slowest.OrderByDescending(s => s.Ms).Take(5))
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"slow: {ms:F0} ms {what}");
        }

        var tracedErrors = app.Logs.Lines.Where(line => (line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal))
            && line.Contains("\n   at ", StringComparison.Ordinal)).Take(3).ToList();
        Assert.True(tracedErrors.Count == 0, "Error log lines with stack traces:\n" + string.Join("\n\n", tracedErrors));
        foreach (var secret in world.NeverLogged)
        {
            Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TheCaseCountDefault_IsAtLeastTenThousand() => Assert.True(DefaultCases >= 10_000);

    /// <summary>Every route of the server with the methods it accepts (all of them when it names none).</summary>
    private static List<(RoutePattern Pattern, string[] Methods)> Endpoints(TestApp app) =>
    [
        .. app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(endpoint => (endpoint.RoutePattern, endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToArray() is { Length: > 0 } methods
                ? methods
                : ["GET", "POST", "PUT", "PATCH", "DELETE"]))
            .OrderBy(endpoint => endpoint.RoutePattern.RawText, StringComparer.Ordinal),
    ];

    private static (HttpRequestMessage Request, string Sent) Build(FuzzCase fuzzCase, List<(RoutePattern Pattern, string[] Methods)> endpoints, FuzzWorld world)
    {
        var (pattern, methods) = endpoints[fuzzCase.Endpoint % endpoints.Count];
        // Mostly a method the route takes; sometimes another one, or one no route takes.
        string[] others = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND"];
        var method = fuzzCase.MethodChoice < 16 ? methods[fuzzCase.MethodChoice % methods.Length] : others[fuzzCase.MethodChoice % others.Length];

        var path = new StringBuilder();
        var valueIndex = 0;
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart => PathValue(fuzzCase, world, valueIndex++),
                    _ => "",
                });
            }
        }

        var query = new List<string>();
        foreach (var (key, value, raw) in fuzzCase.Query)
        {
            query.Add(raw ? $"{FuzzInputs.Clean(key).Replace("#", "", StringComparison.Ordinal)}={FuzzInputs.Clean(value).Replace("#", "", StringComparison.Ordinal)}"
                : $"{Uri.EscapeDataString(FuzzInputs.Clean(key))}={Uri.EscapeDataString(FuzzInputs.Clean(value))}");
        }

        if (fuzzCase.Caller == FuzzCaller.SessionTokenQuery)
        {
            query.Add("connect_session_token=" + world.SessionToken);
        }
        else if (fuzzCase.Caller == FuzzCaller.PublicKeyQuery)
        {
            query.Add("public_key=" + world.PublicKey);
        }

        var target = path.Length == 0 ? "/" : path.ToString();
        var url = query.Count == 0 ? target : target + "?" + string.Join('&', query);
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        switch (fuzzCase.Caller)
        {
            case FuzzCaller.SecretKey:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", world.SecretKey);
                break;
            case FuzzCaller.SessionTokenHeader:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", world.SessionToken);
                break;
            case FuzzCaller.GarbageAuthorization:
                request.Headers.TryAddWithoutValidation("Authorization", fuzzCase.Headers.FirstOrDefault().Value ?? "Bearer");
                break;
        }

        foreach (var (name, value) in fuzzCase.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var body = "";
        if (fuzzCase.Body is { } bytes && method is not ("GET" or "HEAD"))
        {
            request.Content = new ByteArrayContent(bytes);
            body = Encoding.UTF8.GetString(bytes);
            if (fuzzCase.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        return (request, url + "\n" + string.Join('\n', fuzzCase.Headers.Select(h => h.Value)) + "\n" + body);
    }

    // Route values: mostly a hostile string, sometimes a real id so handlers past the lookup are reached.
    private static string PathValue(FuzzCase fuzzCase, FuzzWorld world, int index)
    {
        var value = fuzzCase.PathValues[index % fuzzCase.PathValues.Length];
        if (value.Length % 3 == 0 && value.Length < 40)
        {
            value = world.KnownIds[value.Length % world.KnownIds.Count];
        }

        var clean = FuzzInputs.Clean(value);
        return fuzzCase.RawPath ? clean.Replace("?", "", StringComparison.Ordinal).Replace("#", "", StringComparison.Ordinal) : Uri.EscapeDataString(clean);
    }

    // Linear on any answer (non-backtracking): answers may echo 200,000-character inputs.
    [GeneratedRegex(@"\n +at [A-Z][\w.`<>]*\.[\w<>`]+\(|\.cs:line \d|Exception: |System\.[A-Za-z]+(\.[A-Za-z]+)*Exception", RegexOptions.NonBacktracking)]
    private static partial Regex StackTrace();
}
