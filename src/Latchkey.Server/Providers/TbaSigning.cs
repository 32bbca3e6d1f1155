namespace Latchkey.Server.Providers;

/// <summary>The four secrets of a NetSuite token-based-authentication request: the integration's and the user's token.</summary>
public sealed record TbaKeys(string ConsumerKey, string ConsumerSecret, string TokenId, string TokenSecret)
{
    public override string ToString() => "TbaKeys [redacted]";
}

/// <summary>
/// NetSuite token-based authentication (TBA): every API request carries an OAuth 1.0 <c>Authorization</c> header signed
/// with HMAC-SHA256 from the consumer key/secret and the token id/secret, with the account id as <c>realm</c>
/// (docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1534941295.html; HMAC-SHA1 is no longer accepted).
/// There is no token to obtain: the signature is the credential, made anew for each request.
/// </summary>
public static class TbaSigning
{
    public const string SignatureMethod = "HMAC-SHA256";

    /// <summary>
    /// The realm is the account id as NetSuite writes it in the UI (<c>1234567_SB1</c>); connection settings hold it as
    /// it appears in hostnames (<c>1234567-sb1</c>), so both spellings are accepted.
    /// </summary>
    public static string Realm(string accountId) => accountId.Replace('-', '_').ToUpperInvariant();

    public static void Sign(HttpRequestMessage request, TbaKeys keys, string accountId, DateTimeOffset now) =>
        OAuth1Signature.SignRequest(request, SignatureMethod, keys.ConsumerKey, keys.ConsumerSecret, keys.TokenId, keys.TokenSecret, now, Realm(accountId));
}
