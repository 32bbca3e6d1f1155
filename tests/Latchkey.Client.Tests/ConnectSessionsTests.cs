using System.Net;

namespace Latchkey.Client.Tests;

public sealed class ConnectSessionsTests
{
    [Fact]
    public async Task CreateConnectSession_ReturnsAUsableTokenAndLink()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var client = Server.ClientFor(app);

        var session = await client.CreateConnectSessionAsync(new CreateConnectSessionRequest
        {
            EndUser = new EndUser { Id = "user-42", Email = "ada@example.com", DisplayName = "Ada" },
            Organization = new Organization { Id = "org-1", DisplayName = "Analytical Engines" },
            AllowedIntegrations = ["fake-apikey"],
            Tags = new Dictionary<string, string> { ["plan"] = "pro" },
        }, Server.Cancellation);

        Assert.Matches("^nango_connect_session_[a-f0-9]{64}$", session.Token);
        Assert.Contains(session.Token, session.ConnectLink, StringComparison.Ordinal);
        Assert.InRange(session.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(25), DateTimeOffset.UtcNow.AddMinutes(35));
        Assert.DoesNotContain(session.Token, session.ToString(), StringComparison.Ordinal);

        // The token really works: the browser path creates a connection with it, carrying the session's end user.
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", session.Token);
        var connection = await client.GetConnectionAsync("fake-apikey", connectionId, cancellationToken: Server.Cancellation);
        Assert.Equal("user-42", connection.EndUser?.Id);
        Assert.Equal("org-1", connection.EndUser?.Organization?.Id);
        Assert.Equal("pro", connection.Tags["plan"]);
    }

    [Fact]
    public async Task CreateReconnectSession_ForAnExistingConnection_ReturnsASession_AndForAnUnknownOne_InvalidBody()
    {
        await using var app = await Server.StartAsync();
        await app.CreateIntegrationAsync("fake-apikey");
        var connectionId = await app.ConnectApiKeyAsync("fake-apikey", await app.CreateSessionTokenAsync());
        var client = Server.ClientFor(app);

        var session = await client.CreateReconnectSessionAsync(new CreateReconnectSessionRequest { ConnectionId = connectionId, IntegrationId = "fake-apikey" }, Server.Cancellation);
        var unknown = await Assert.ThrowsAsync<LatchkeyApiException>(() =>
            client.CreateReconnectSessionAsync(new CreateReconnectSessionRequest { ConnectionId = "nope", IntegrationId = "fake-apikey" }, Server.Cancellation));

        Assert.Matches("^nango_connect_session_[a-f0-9]{64}$", session.Token);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (unknown.StatusCode, unknown.Code));
        // Reconnecting re-authorises the same connection id.
        Assert.Equal(connectionId, await app.ConnectApiKeyAsync("fake-apikey", session.Token));
    }
}
