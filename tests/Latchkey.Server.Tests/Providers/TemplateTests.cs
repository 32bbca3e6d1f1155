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
}
