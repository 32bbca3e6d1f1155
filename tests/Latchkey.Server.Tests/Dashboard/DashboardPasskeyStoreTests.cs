using Latchkey.Server.Dashboard.Mfa;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Server.Tests.Dashboard;

/// <summary>
/// The storage half of passkeys, on SQLite and PostgreSQL (the browser half runs in tests/compat/dashboard-mfa.test.mjs
/// with Chromium's virtual authenticator): a ceremony is claimed once, by its own user, before it expires.
/// </summary>
public sealed class DashboardPasskeyStoreTests
{
    [Fact]
    public async Task ACeremony_IsClaimedOnce_ByItsOwnUser_BeforeItExpires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await Server.StartAsync(clock: clock);
        var store = app.Services.GetRequiredService<PasskeyStore>();

        var mine = await store.StartCeremonyAsync(7, "{\"for\":7}", Server.Cancellation);
        var anyone = await store.StartCeremonyAsync(null, "{\"for\":null}", Server.Cancellation);
        var late = await store.StartCeremonyAsync(7, "{\"late\":true}", Server.Cancellation);
        var byAnother = await store.ClaimCeremonyAsync(mine, 8, Server.Cancellation);
        var asPasswordless = await store.ClaimCeremonyAsync(mine, null, Server.Cancellation);
        var claimed = await store.ClaimCeremonyAsync(mine, 7, Server.Cancellation);
        var again = await store.ClaimCeremonyAsync(mine, 7, Server.Cancellation);
        var userOnPasswordless = await store.ClaimCeremonyAsync(anyone, 7, Server.Cancellation);
        var passwordless = await store.ClaimCeremonyAsync(anyone, null, Server.Cancellation);
        clock.Advance(PasskeyStore.CeremonyLifetime + TimeSpan.FromSeconds(1));
        var expired = await store.ClaimCeremonyAsync(late, 7, Server.Cancellation);

        Assert.Null(byAnother);
        Assert.Null(asPasswordless);
        Assert.Equal("{\"for\":7}", claimed);
        Assert.Null(again);
        Assert.Null(userOnPasswordless);
        Assert.Equal("{\"for\":null}", passwordless);
        Assert.Null(expired);
    }

    [Fact]
    public async Task APasskey_IsSavedOnce_FoundByItsCredentialId_AndRemovedOnlyByItsUser()
    {
        await using var app = await Server.StartAsync();
        var store = app.Services.GetRequiredService<PasskeyStore>();
        byte[] credentialId = [1, 2, 3, 250];

        var added = await store.AddAsync(7, credentialId, [9, 9], 0, "laptop", Server.Cancellation);
        var duplicate = await store.AddAsync(8, credentialId, [8, 8], 0, "other", Server.Cancellation);
        var found = await store.FindAsync(credentialId, Server.Cancellation);
        await store.UsedAsync(found!.Id, 5, Server.Cancellation);
        var notTheirs = await store.RemoveAsync(8, found.Id, Server.Cancellation);
        var used = await store.FindAsync(credentialId, Server.Cancellation);
        var removed = await store.RemoveAsync(7, found.Id, Server.Cancellation);

        Assert.True(added);
        Assert.False(duplicate);
        Assert.Equal(7, found.UserId);
        Assert.Equal([9, 9], found.PublicKey);
        Assert.Null(notTheirs);
        Assert.Equal(5u, used!.SignCount);
        Assert.NotNull(used.LastUsedAt);
        Assert.Equal("laptop", removed);
        Assert.Null(await store.FindAsync(credentialId, Server.Cancellation));
    }
}
