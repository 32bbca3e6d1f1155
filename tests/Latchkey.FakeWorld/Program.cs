using System.Text.Json;
using Latchkey.TestKit;

// The TestKit's fake provider (and its OpenID Connect provider) as a process, for the browser suites that run in Node: it writes the providers file
// to register with the server, prints one JSON line saying where it listens, and runs until stdin closes.
var providersFile = args.SkipWhile(a => a != "--providers-file").Skip(1).FirstOrDefault()
    ?? Path.Combine(Path.GetTempPath(), $"latchkey-fake-{Environment.ProcessId}.yaml");

await using var fake = await FakeProvider.StartAsync();
// The dashboard's single sign-on provider too, asking for an e-mail on its authorize page (User stays null).
await using var oidc = await FakeOidcProvider.StartAsync("localhost");
await File.WriteAllTextAsync(providersFile, FakeCatalog.Yaml(fake.BaseUrl));
Console.WriteLine(JsonSerializer.Serialize(new
{
    baseUrl = fake.BaseUrl,
    providersFile,
    oidc = new { issuer = oidc.Issuer, clientId = FakeOidcProvider.ClientId, clientSecret = FakeOidcProvider.ClientSecret },
}));
await Console.In.ReadToEndAsync();
