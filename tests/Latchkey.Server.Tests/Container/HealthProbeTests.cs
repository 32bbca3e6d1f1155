using System.Net;
using System.Net.Sockets;
using Latchkey.Server.Hosting;

namespace Latchkey.Server.Tests.Container;

/// <summary><c>Latchkey.Server health</c>, the container's HEALTHCHECK: exit 0 for a ready server, 1 otherwise.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task ReadyServer_ExitsZero()
    {
        await using var app = await Server.StartAsync();

        Assert.Equal(0, await HealthProbe.RunAsync([app.BaseUrl + "/health/ready"]));
    }

    [Fact]
    public async Task NothingListening_ExitsOne()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        Assert.Equal(1, await HealthProbe.RunAsync([$"http://127.0.0.1:{port}/health/ready"]));
    }

    [Fact]
    public async Task NotAUrl_ExitsTwo() => Assert.Equal(2, await HealthProbe.RunAsync(["not a url"]));
}
