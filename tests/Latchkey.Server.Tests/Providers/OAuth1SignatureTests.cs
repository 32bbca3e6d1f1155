using Latchkey.Server.Providers;

namespace Latchkey.Server.Tests.Providers;

public sealed class OAuth1SignatureTests
{
    /// <summary>The worked example of RFC 5849 §1.2 (photos.example.net), with its published signature.</summary>
    [Fact]
    public void Sign_MatchesTheRfc5849Example()
    {
        var parameters = new Dictionary<string, string>
        {
            ["oauth_consumer_key"] = "dpf43f3p2l4k3l03",
            ["oauth_token"] = "nnch734d00sl2jdk",
            ["oauth_signature_method"] = "HMAC-SHA1",
            ["oauth_timestamp"] = "137131202",
            ["oauth_nonce"] = "chapoH",
            ["file"] = "vacation.jpg",
            ["size"] = "original",
        };

        var baseString = OAuth1Signature.BaseString("GET", new Uri("http://photos.example.net/photos"), parameters);
        var signature = OAuth1Signature.Sign("HMAC-SHA1", baseString, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");

        Assert.Equal("MdpQcU8iPSUjWoN/UDMsK2sui9I=", signature);
    }

    [Theory]
    [InlineData("abcABC123-._~", "abcABC123-._~")]
    [InlineData("a b", "a%20b")]
    [InlineData("=%+&", "%3D%25%2B%26")]
    [InlineData("é", "%C3%A9")]
    public void Encode_FollowsRfc3986(string value, string expected) => Assert.Equal(expected, OAuth1Signature.Encode(value));
}
