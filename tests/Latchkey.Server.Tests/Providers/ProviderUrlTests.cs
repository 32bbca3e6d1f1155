using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

/// <summary>F1: a templated URL is built from checked parts, and a value never moves it to another host.</summary>
public sealed class ProviderUrlTests
{
    private static TemplateValues Config(string name, string value) => new TemplateValues().Set($"connectionConfig.{name}", value);

    [Theory]
    [InlineData("127.0.0.1:3113/steal?")]
    [InlineData("127.0.0.1:3113")]
    [InlineData("evil.test/")]
    [InlineData("evil.test?")]
    [InlineData("evil.test#")]
    [InlineData("user@evil.test")]
    [InlineData("evil.test\\")]
    [InlineData("evil%2Etest")]
    [InlineData("a..b")]
    [InlineData(".evil")]
    [InlineData("evil.")]
    [InlineData("-evil")]
    [InlineData("ev il")]
    [InlineData("[::1]")]
    public void HostPlaceholder_RefusesValuesThatAreNoHostNamePart(string value)
    {
        var rendered = ProviderUrls.Build("http://${connectionConfig.subdomain}.example.test/oauth/token", Config("subdomain", value));

        Assert.Null(rendered.Url);
        Assert.Equal("subdomain", rendered.RefusedField);
    }

    [Theory]
    [InlineData("https://${connectionConfig.subdomain}.zendesk.com/api", "acme", "https://acme.zendesk.com/api")]
    [InlineData("https://${connectionConfig.subdomain}.zendesk.com/api", "eu.acme", "https://eu.acme.zendesk.com/api")]
    [InlineData("https://${connectionConfig.hostname}/rest", "jira.example.com", "https://jira.example.com/rest")]
    [InlineData("https://${connectionConfig.hostname}:8089/x", "splunk.example.com", "https://splunk.example.com:8089/x")]
    [InlineData("https://login.example.com/${connectionConfig.tenant}/token", "a/b?c#d", "https://login.example.com/a%2Fb%3Fc%23d/token")]
    [InlineData("${connectionConfig.instance_url}/services", "https://na1.salesforce.com", "https://na1.salesforce.com/services")]
    [InlineData("https://${connectionConfig.endpointURL}/rest/oauth2/latest/token", "jira.corp.example:8443/jira", "https://jira.corp.example:8443/jira/rest/oauth2/latest/token")]
    [InlineData("https://${connectionConfig.domain}", "grafana.corp.example:3000", "https://grafana.corp.example:3000/")]
    public void ValuesThatFit_AreRendered_OnTheTemplatesHost(string template, string value, string expected)
    {
        var name = template[(template.IndexOf("connectionConfig.", StringComparison.Ordinal) + 17)..template.IndexOf('}', StringComparison.Ordinal)];

        var rendered = ProviderUrls.Build(template, Config(name, value));

        Assert.Equal(expected, rendered.Url?.ToString());
    }

    [Theory]
    [InlineData("https://user:pw@evil.test")]
    [InlineData("https://evil.test#")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("evil.test")]
    public void WholeUrlPlaceholder_RefusesWhatIsNoPlainHttpBaseUrl(string value)
    {
        var rendered = ProviderUrls.Build("${connectionConfig.instance_url}/services/oauth2/token", Config("instance_url", value));

        Assert.Null(rendered.Url);
        Assert.Equal("instance_url", rendered.RefusedField);
    }

    [Theory]
    [InlineData("evil.test:80@x")]
    [InlineData("evil.test:99999")]
    [InlineData("evil.test:")]
    [InlineData("evil.test/../x")]
    [InlineData("evil.test/a?b")]
    [InlineData("evil.test/%2e")]
    [InlineData("evil.test\\x")]
    public void WholeHostPlaceholder_AllowsOnlyAPortAndAPlainBasePath(string value)
    {
        var rendered = ProviderUrls.Build("https://${connectionConfig.endpointURL}/rest/token", Config("endpointURL", value));

        Assert.Equal("endpointURL", rendered.RefusedField);
    }

    [Fact]
    public void MissingValue_IsIncomplete_NotRefused()
    {
        var rendered = ProviderUrls.Build("https://${connectionConfig.subdomain}.example.test", new TemplateValues());

        Assert.True(rendered.IsIncomplete);
    }

    [Fact]
    public void Fallback_UsesTheAlternative_WhenTheFirstIsMissing_ButNeverAfterARefusal()
    {
        const string Template = "https://${connectionConfig.hostname}/t || https://${connectionConfig.subdomain}.okta.com/t";

        Assert.Equal("https://acme.okta.com/t", ProviderUrls.Render(Template, Config("subdomain", "acme"))?.ToString());
        var refused = ProviderUrls.Build(Template, Config("hostname", "evil.test/x?").Set("connectionConfig.subdomain", "acme"));
        Assert.Equal("hostname", refused.RefusedField);
    }
}
