using Latchkey.Server.Dashboard.SingleSignOn;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>Single sign-on's settings: off when none is set, complete or refused with a sentence naming the setting.</summary>
public sealed class SsoOptionsTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("LATCHKEY_SSO_OIDC_AUTHORITY", "http://login.example.com", "LATCHKEY_SSO_OIDC_AUTHORITY must be an https:// URL (http:// only for a provider on this machine).")]
    [InlineData("LATCHKEY_SSO_OIDC_AUTHORITY", "login.example.com", "LATCHKEY_SSO_OIDC_AUTHORITY must be an https:// URL (http:// only for a provider on this machine).")]
    [InlineData("LATCHKEY_SSO_ALLOWED_DOMAINS", "example.com,ex ample.org", "LATCHKEY_SSO_ALLOWED_DOMAINS must be e-mail domains separated by commas, such as example.com,example.org.")]
    [InlineData("LATCHKEY_SSO_ALLOWED_DOMAINS", "a@example.com", "LATCHKEY_SSO_ALLOWED_DOMAINS must be e-mail domains separated by commas, such as example.com,example.org.")]
    [InlineData("LATCHKEY_SSO_DEFAULT_ROLE", "owner", "LATCHKEY_SSO_DEFAULT_ROLE must be admin, developer or support.")]
    [InlineData("LATCHKEY_SSO_OIDC_CLIENT_ID", "", "Single sign-on needs LATCHKEY_SSO_OIDC_AUTHORITY, LATCHKEY_SSO_OIDC_CLIENT_ID, LATCHKEY_SSO_OIDC_CLIENT_SECRET and LATCHKEY_SSO_ALLOWED_DOMAINS together; LATCHKEY_SSO_OIDC_CLIENT_ID is missing.")]
    public void CompleteSettings_WithOneChanged_GiveItsSentence(string? setting, string? value, string? sentence)
    {
        var settings = new Dictionary<string, string?>
        {
            ["LATCHKEY_SSO_OIDC_AUTHORITY"] = "https://login.example.com/",
            ["LATCHKEY_SSO_OIDC_CLIENT_ID"] = "dashboard",
            ["LATCHKEY_SSO_OIDC_CLIENT_SECRET"] = "secret",
            ["LATCHKEY_SSO_ALLOWED_DOMAINS"] = "example.com, @Example.ORG",
        };
        if (setting is not null)
        {
            settings[setting] = value;
        }

        var options = SsoOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        Assert.Equal(sentence is null ? [] : [sentence], options.Problems());
        if (sentence is null)
        {
            Assert.Equal("https://login.example.com", options.Authority);
            Assert.Equal(["example.com", "example.org"], options.AllowedDomains);
            Assert.Equal("support", options.DefaultRole);
        }
    }

    [Fact]
    public void NothingSet_IsOff_WithoutProblems()
    {
        var options = SsoOptions.Read(new ConfigurationBuilder().Build());

        Assert.False(options.Enabled);
        Assert.Empty(options.Problems());
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("https://login.example.com", false)]
    public void PlainHttpDiscovery_IsOnlyForLoopback(string authority, bool loopback) =>
        Assert.Equal(loopback, SsoOptions.IsLoopback(authority));
}
