using System.Net;
using Latchkey.Server.Outbound;

namespace Latchkey.Server.Tests.Outbound;

public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void PrivateLoopbackAndMetadataAddresses_AreRefused(string address) =>
        Assert.False(new AddressPolicy(null).IsAllowed(IPAddress.Parse(address)));

    // F13: IPv6 forms that carry an IPv4 address, and the deprecated site-local range.
    [Theory]
    [InlineData("::7f00:1")] // IPv4-compatible ::127.0.0.1
    [InlineData("::a9fe:a9fe")] // IPv4-compatible ::169.254.169.254
    [InlineData("::ffff:0:a00:1")] // IPv4-translated ::ffff:0:10.0.0.1
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("2002:7f00:1::1")] // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::")] // 6to4 of 169.254.169.254
    [InlineData("64:ff9b::7f00:1")] // NAT64 well-known prefix
    [InlineData("64:ff9b:1::a00:1")] // NAT64 local-use prefix
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")] // Teredo (client 127.0.0.1)
    [InlineData("fec0::1")] // site-local
    [InlineData("100::1")] // discard-only
    public void IPv4EmbeddingAndSiteLocalAddresses_AreRefused(string address) =>
        Assert.False(new AddressPolicy(null).IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("2002:5db8:d822::1")] // 6to4 of 93.184.216.34: judged as that public address
    [InlineData("::ffff:8.8.8.8")]
    public void IPv4EmbeddingOfPublicAddresses_IsJudgedByTheIPv4Address(string address) =>
        Assert.True(new AddressPolicy(null).IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946")]
    [InlineData("8.8.8.8")]
    public void PublicAddresses_AreAllowed(string address) =>
        Assert.True(new AddressPolicy(null).IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void AllowList_ExemptsNamedRangesAndHosts()
    {
        var policy = new AddressPolicy("127.0.0.1/32, 10.0.0.5, idp.internal");

        Assert.True(policy.IsAllowed(IPAddress.Parse("127.0.0.1")));
        Assert.True(policy.IsAllowed(IPAddress.Parse("10.0.0.5")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("10.0.0.6")));
        Assert.True(policy.IsHostExempt("IDP.internal"));
        Assert.False(policy.IsHostExempt("other.internal"));
    }
}
