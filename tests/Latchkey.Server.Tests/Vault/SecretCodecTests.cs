using Latchkey.Server.Vault;

namespace Latchkey.Server.Tests.Vault;

public sealed class SecretCodecTests
{
    private static readonly SealedField Field = new("connections", "credentials_sealed", 7, "3f2c1d4e-0000-4000-8000-000000000001");

    [Fact]
    public void Seal_ThenOpen_ReturnsThePlaintext()
    {
        var codec = new SecretCodec(Ring(EncryptionKey.Generate()));

        var sealedValue = codec.Seal("sk_live_secret", Field);

        Assert.Equal("sk_live_secret", codec.Open(sealedValue, Field));
        Assert.DoesNotContain("sk_live_secret", sealedValue, StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_TwiceTheSameValue_UsesAFreshNonceEachTime()
    {
        var codec = new SecretCodec(Ring(EncryptionKey.Generate()));

        Assert.NotEqual(codec.Seal("same", Field), codec.Seal("same", Field));
    }

    [Theory]
    [InlineData("integrations", "credentials_sealed", 7, "3f2c1d4e-0000-4000-8000-000000000001")]
    [InlineData("connections", "metadata", 7, "3f2c1d4e-0000-4000-8000-000000000001")]
    [InlineData("connections", "credentials_sealed", 8, "3f2c1d4e-0000-4000-8000-000000000001")]
    [InlineData("connections", "credentials_sealed", 7, "3f2c1d4e-0000-4000-8000-000000000002")]
    public void Open_InAnotherTableColumnEnvironmentOrRow_Fails(string table, string column, long environmentId, string rowUid)
    {
        var codec = new SecretCodec(Ring(EncryptionKey.Generate()));
        var sealedValue = codec.Seal("secret", Field);

        Assert.Throws<VaultException>(() => codec.Open(sealedValue, new SealedField(table, column, environmentId, rowUid)));
    }

    [Fact]
    public void Open_ATamperedValue_Fails()
    {
        var codec = new SecretCodec(Ring(EncryptionKey.Generate()));
        var sealedValue = codec.Seal("secret", Field);
        var tampered = sealedValue[..^3] + (sealedValue[^3] == 'A' ? 'B' : 'A') + sealedValue[^2..];

        Assert.Throws<VaultException>(() => codec.Open(tampered, Field));
    }

    [Fact]
    public void Open_AfterAddingANewerKey_StillOpensOldValues_AndSealsWithTheNewOne()
    {
        var oldKey = EncryptionKey.Generate();
        var newKey = EncryptionKey.Generate();
        var before = new SecretCodec(Ring(oldKey)).Seal("kept", Field);

        var rotated = new SecretCodec(Ring(newKey, oldKey));
        var after = rotated.Seal("new", Field);

        Assert.Equal("kept", rotated.Open(before, Field));
        Assert.Contains($".{newKey.Id}.", after, StringComparison.Ordinal);
        Assert.False(rotated.IsSealedWithCurrentKey(before));
        Assert.True(rotated.IsSealedWithCurrentKey(after));
    }

    [Fact]
    public void Open_WithoutTheKeyThatSealed_FailsClearly()
    {
        var sealedValue = new SecretCodec(Ring(EncryptionKey.Generate())).Seal("secret", Field);

        var exception = Assert.Throws<VaultException>(() => new SecretCodec(Ring(EncryptionKey.Generate())).Open(sealedValue, Field));
        Assert.Contains("not in the key ring", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyRing_ParsesCommaSeparatedKeys_NewestFirst()
    {
        var first = EncryptionKey.Generate();
        var second = EncryptionKey.Generate();

        var keys = KeyRing.ParseList($"{first.ToBase64()}, {second.ToBase64()}");

        Assert.Equal([first.Id, second.Id], keys.Select(k => k.Id));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void EncryptionKey_RejectsWhatIsNotA32ByteBase64Key(string text) =>
        Assert.ThrowsAny<Exception>(() => EncryptionKey.Parse(text));

    [Fact]
    public void TokenHasher_MatchesUnderEveryKeyOfTheRing()
    {
        var oldKey = EncryptionKey.Generate();
        var hashedBefore = new TokenHasher(Ring(oldKey)).Hash("token");

        var candidates = new TokenHasher(Ring(EncryptionKey.Generate(), oldKey)).Candidates("token");

        Assert.Contains(hashedBefore, candidates);
    }

    private static KeyRing Ring(params EncryptionKey[] keys) => new(keys, "test");
}
