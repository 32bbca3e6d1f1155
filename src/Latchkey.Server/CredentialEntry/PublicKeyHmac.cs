using System.Security.Cryptography;
using System.Text;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;

namespace Latchkey.Server.CredentialEntry;

/// <summary>
/// The <c>hmac</c> of a public-key request (spec §4.4): hex(HMAC-SHA256(key, providerConfigKey + ":" + connectionId)), or of
/// the integration key alone without a connection id. The key is the environment's secret key, which only the integrator's
/// backend holds, so a valid hmac proves the integrator allowed this integration and connection id.
/// </summary>
public sealed class PublicKeyHmac(EnvironmentStore environments)
{
    /// <summary>True for a valid hmac, false when none was given; <c>invalid_hmac</c> for a wrong one.</summary>
    public async Task<Outcome<bool>> CheckAsync(EnvironmentRecord environment, string integrationKey, string? connectionId, IQueryCollection query, CancellationToken cancellationToken)
    {
        var given = QueryRules.Last(query, "hmac");
        if (string.IsNullOrEmpty(given))
        {
            return false;
        }

        var expected = Compute(await environments.RevealSecretKeyAsync(environment.Id, cancellationToken), integrationKey, connectionId);
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given.ToLowerInvariant()), Encoding.UTF8.GetBytes(expected));
        return matches ? true
            : ApiError.BadRequest(ErrorCodes.InvalidHmac, "The hmac does not match this integration and connection id.");
    }

    /// <summary>What the integrator's backend computes (tests and docs use it).</summary>
    public static string Compute(string secretKey, string integrationKey, string? connectionId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey),
            Encoding.UTF8.GetBytes(connectionId is null ? integrationKey : $"{integrationKey}:{connectionId}")));
}
