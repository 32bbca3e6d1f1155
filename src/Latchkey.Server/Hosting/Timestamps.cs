using System.Globalization;

namespace Latchkey.Server.Hosting;

/// <summary>Every timestamp on the wire is ISO 8601 UTC with milliseconds and <c>Z</c> (DESIGN decision 7).</summary>
public static class Timestamps
{
    public static string Format(long epochMilliseconds) => Format(DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds));

    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Format(long? epochMilliseconds) => epochMilliseconds is { } value ? Format(value) : null;
}
