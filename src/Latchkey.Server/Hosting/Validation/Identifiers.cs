using System.Text.RegularExpressions;

namespace Latchkey.Server.Hosting.Validation;

/// <summary>Identifier formats of spec §1.4.</summary>
public static partial class Identifiers
{
    [GeneratedRegex(@"^[a-zA-Z0-9~:.@ _-]+$")]
    public static partial Regex IntegrationKeyPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_-]+$")]
    public static partial Regex ProviderNamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9,.;:=+~\[\]|@${}""'\\/_ -]+$")]
    public static partial Regex ConnectionIdPattern();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9_\-./]*$")]
    public static partial Regex TagKeyPattern();

    [GeneratedRegex(@"^[^\s@]+@[^\s@]+\.[^\s@]+$")]
    public static partial Regex EmailPattern();

    public static readonly StringRule IntegrationKey = new(1, InputLimits.Name, IntegrationKeyPattern(), "must contain only letters, digits and ~:.@ _-");
    public static readonly StringRule ProviderName = new(1, InputLimits.Name, ProviderNamePattern(), "must contain only letters, digits, _ and -");
    public static readonly StringRule ConnectionId = new(1, InputLimits.Name, ConnectionIdPattern(), "contains characters that are not allowed in a connection id");
    public static readonly StringRule Email = new(5, InputLimits.Name, EmailPattern(), "must be an e-mail address");
}
