using System.Text.RegularExpressions;

namespace Latchkey.Server.Hosting.Validation;

/// <summary>How a string field is checked: length bounds and an optional pattern with its human description.</summary>
public sealed record StringRule(int Min = 0, int Max = int.MaxValue, Regex? Pattern = null, string? PatternMessage = null)
{
    public static readonly StringRule Any = new();
    public static readonly StringRule NonEmpty = new(Min: 1);
    public static readonly StringRule Name255 = new(Min: 1, Max: InputLimits.Name);

    public static StringRule Bounded(int min, int max) => new(min, max);
}
