using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

public sealed class TemplateTests
{
    private static readonly TemplateValues Values = new TemplateValues()
        .Set("apiKey", "k,e}y")
        .Set("username", "ada")
        .Set("password", "p:w")
        .Set("connectionConfig.subdomain", "acme corp")
        .Set("connectionConfig.instance_url", "https://eu1.example.test");

    [Theory]
    [InlineData("Bearer ${apiKey}", "Bearer k,e}y")]
    [InlineData("Basic ${base64(${username}:${password})}", "Basic YWRhOnA6dw==")]
    [InlineData("${sha256Hex(abc)}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    // Expected HMAC computed outside .NET: python3 hmac.new(b'secret', b'k,e}y', sha1).hexdigest()
    [InlineData("${hmacSha1Hex(${apiKey},secret)}", "b0df287cd0752e937de1cdbfd167ba5950f52839")]
    [InlineData("https://${connectionConfig.subdomain}.example.test", "https://acme corp.example.test")]
    [InlineData("${connectionConfig.missing}", "${connectionConfig.missing}")]
    [InlineData("${connectionConfig.missing} || https://default.example.test", "https://default.example.test")]
    [InlineData("${connectionConfig.subdomain} || fallback", "acme corp")]
    public void Render_ResolvesPlaceholdersFunctionsAndFallbacks(string template, string expected)
    {
        Assert.Equal(expected, Template.Render(template, Values));
    }

    [Fact]
    public void Render_InUrlMode_EncodesValues()
    {
        Assert.Equal("https://acme%20corp.example.test/x", Template.Render("https://${connectionConfig.subdomain}.example.test/x", Values, encode: true));
    }

    [Fact]
    public void ProviderUrls_RetryDecodedWhenAValueIsItselfAUrl()
    {
        var url = ProviderUrls.Render("${connectionConfig.instance_url}/services/data", Values);

        Assert.Equal("https://eu1.example.test/services/data", url!.ToString());
    }

    [Fact]
    public void ProviderUrls_WithAMissingValue_IsNull()
    {
        Assert.Null(ProviderUrls.Render("https://${connectionConfig.nothing}.example.test", Values));
    }

    [Fact]
    public void Random_IsOneValuePerRender()
    {
        var rendered = Template.Render("${random}|${random}", Values).Split('|');

        Assert.Equal(rendered[0], rendered[1]);
        Assert.True(Guid.TryParse(rendered[0], out _));
    }

    [Fact]
    public void Now_FormatsInUtc()
    {
        var now = new DateTimeOffset(2026, 5, 1, 12, 30, 0, TimeSpan.Zero);

        Assert.Equal("2026-05-01T12:30:00.000Z", Template.Render("${now}", Values, now: now));
        Assert.Equal("1777638600", Template.Render("${now:X}", Values, now: now));
        Assert.Equal("2026-05-02", Template.Render("${now+1:d:YYYY-MM-DD}", Values, now: now));
    }

    [Theory]
    [InlineData("${upper(${username})}.${upper(Mixed-Case_1)}", "ADA.MIXED-CASE_1")]
    [InlineData("${split(${password},:,0)}|${split(${password},:,1)}", "p|w")]
    [InlineData("${split(a||b||c,||,2)}", "c")]
    [InlineData("${split(${password},:,2)}", "${split(${password},:,2)}")]
    [InlineData("${split(${password},:,x)}", "${split(${password},:,x)}")]
    public void Render_UpperAndSplit(string template, string expected)
    {
        Assert.Equal(expected, Template.Render(template, Values));
    }

    // A throwaway P-256 test key; the expected value was computed outside .NET:
    // openssl pkey -in key.pem -pubout -outform DER | openssl dgst -sha256 -binary | base64
    private const string EcTestKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgS2kgItI9ioN5EcPn
        gWXVQHwMhEwrIjOTHKg4qAac0mihRANCAASj5Y73kNshfOMWyaLcLElPuQr/s1V4
        vwpd6RlbIk/0LP2OnL7c4+U/OSAubfLMVRVHucmQkgyUGQNew9CsAZom
        -----END PRIVATE KEY-----
        """;

    [Fact]
    public void Fingerprint_IsTheSha256OfThePublicKeysSpki()
    {
        var values = new TemplateValues().Set("privateKey", EcTestKey);

        Assert.Equal("SHA256:3BG0/FYS4UT/T80OEhMh3dXe/7U5X41ziFhRu794Hsg=", Template.Render("${fingerprint(${privateKey})}", values));
        Assert.Equal("${fingerprint(not a key)}", Template.Render("${fingerprint(not a key)}", values));
    }

    [Fact]
    public void Fingerprint_OfAnRsaKey_MatchesItsPublicKey()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var values = new TemplateValues().Set("privateKey", rsa.ExportPkcs8PrivateKeyPem());
        var expected = "SHA256:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()));

        Assert.Equal(expected, Template.Render("${fingerprint(${privateKey})}", values));
    }
}
