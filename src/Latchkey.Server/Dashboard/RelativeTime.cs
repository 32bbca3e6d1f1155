using System.Globalization;

namespace Latchkey.Server.Dashboard;

/// <summary>
/// How the dashboard writes an instant for people: "1 May 2025, 14:32 UTC (in 42 min)". The dashboard script rewrites
/// it in the browser's own time zone with the same relative wording (keep both in step: Assets/dashboard.js).
/// </summary>
public static class RelativeTime
{
    public static string Readable(DateTimeOffset at, DateTimeOffset now) =>
        $"{at.UtcDateTime.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture)} UTC ({Describe(at, now)})";

    public static string Describe(DateTimeOffset at, DateTimeOffset now)
    {
        var seconds = (at - now).TotalSeconds;
        var size = Math.Abs(seconds);
        var amount = size switch
        {
            < 60 => null,
            < 90 * 60 => Count(size / 60) + " min",
            < 48 * 3600 => Count(size / 3600) + " h",
            _ => Count(size / 86400) + " days",
        };
        return (amount, seconds >= 0) switch
        {
            (null, true) => "in less than a minute",
            (null, false) => "less than a minute ago",
            (_, true) => "in " + amount,
            _ => amount + " ago",
        };
    }

    // Halves round up, as Math.round does in the script.
    private static string Count(double value) => ((int)Math.Round(value, MidpointRounding.AwayFromZero)).ToString(CultureInfo.InvariantCulture);
}
