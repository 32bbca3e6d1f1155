namespace Latchkey.Server.Callers;

/// <summary>The credential schemes of spec §4.1.</summary>
public enum AuthScheme
{
    /// <summary><c>Authorization: Bearer &lt;secret key&gt;</c> — the customer's backend.</summary>
    SecretKey,

    /// <summary><c>Authorization: Bearer nango_connect_session_…</c> — the Connect UI.</summary>
    SessionToken,

    /// <summary>Either of the above in the header.</summary>
    SessionTokenOrSecretKey,

    /// <summary><c>?connect_session_token=</c> or the legacy <c>?public_key=</c> — browser entry points.</summary>
    SessionTokenOrPublicKey,
}

/// <summary>Endpoint metadata naming the scheme an endpoint requires.</summary>
public sealed record RequireCallerMetadata(AuthScheme Scheme);

public static class CallerEndpointExtensions
{
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder, AuthScheme scheme)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequireCallerMetadata(scheme));
}
