namespace Latchkey.Server.Hosting.Validation;

/// <summary>Collects every problem of one request part so the caller sees them all at once (spec §1.2 <c>errors[]</c>).</summary>
public sealed class Validator
{
    private readonly List<ValidationIssue> _issues = [];

    public bool HasErrors => _issues.Count > 0;

    public void Add(string code, string message, IReadOnlyList<string> path) => _issues.Add(new ValidationIssue(code, message, path));

    public ApiError ToError(string errorCode) => ApiError.Invalid(errorCode, _issues.ToArray());
}
