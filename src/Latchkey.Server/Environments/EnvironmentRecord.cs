namespace Latchkey.Server.Environments;

/// <summary>An environment (<c>dev</c>, <c>prod</c>…): every object of the API is scoped to exactly one.</summary>
/// <remarks>Rows are init-only properties, not positional records: Dapper converts SQLite's and PostgreSQL's integer types into them.</remarks>
public sealed record EnvironmentRecord
{
    public long Id { get; init; }

    public required string Uid { get; init; }

    public long AccountId { get; init; }

    public required string Name { get; init; }

    public required string PublicKey { get; init; }

    public string? CallbackUrl { get; init; }

    public int? ConnectionLimit { get; init; }
}
