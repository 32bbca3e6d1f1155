using System.Diagnostics.CodeAnalysis;

namespace Latchkey.Server.Hosting;

/// <summary>A value or the expected failure that prevented it; failures are values, not exceptions.</summary>
public readonly struct Outcome<T>
{
    private Outcome(T? value, ApiError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public ApiError? Error { get; }

    [MemberNotNullWhen(true, nameof(Error))]
    [MemberNotNullWhen(false, nameof(Value))]
    public bool Failed => Error is not null;

#pragma warning disable CA2225 // the implicit conversions are the point: `return error;` / `return value;`
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(ApiError error) => new(default, error);
#pragma warning restore CA2225
}
