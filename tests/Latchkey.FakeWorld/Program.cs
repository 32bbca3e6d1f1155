using System.Text.Json;
using Latchkey.TestKit;

// The TestKit's fake provider as a process, for the browser suites that run in Node: it writes the providers file
// to register with the server, prints one JSON line saying where it listens, and runs until stdin closes.
var providersFile = args.SkipWhile(a => a != "--providers-file").Skip(1).FirstOrDefault()
    ?? Path.Combine(Path.GetTempPath(), $"latchkey-fake-{Environment.ProcessId}.yaml");

await using var fake = await FakeProvider.StartAsync();
await File.WriteAllTextAsync(providersFile, FakeCatalog.Yaml(fake.BaseUrl));
Console.WriteLine(JsonSerializer.Serialize(new { baseUrl = fake.BaseUrl, providersFile }));
await Console.In.ReadToEndAsync();
