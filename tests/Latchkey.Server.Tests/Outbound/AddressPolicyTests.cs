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
