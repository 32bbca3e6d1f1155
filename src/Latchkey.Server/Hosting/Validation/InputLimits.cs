namespace Latchkey.Server.Hosting.Validation;

/// <summary>
/// Every input length limit in one place, so a limit is changed once and the API, the dashboard's forms and the stored
/// logs agree. They bound what a caller can make the server store; none is a business rule.
/// </summary>
public static class InputLimits
{
    /// <summary>Identifiers, names, e-mail addresses, display names, tag values, webhook secrets.</summary>
    public const int Name = 255;

    /// <summary>URLs: webhook targets, docs links, origins, app links.</summary>
    public const int Url = 2048;

    /// <summary>Client secrets, scope lists, user scopes, authorization parameters.</summary>
    public const int Secret = 4096;

    /// <summary>Tag keys (at most <see cref="Tags"/> tags).</summary>
    public const int TagKey = 64;

    public const int Tags = 10;

    /// <summary>Free text: Connect UI strings, auth log messages.</summary>
    public const int Text = 2000;

    /// <summary>A dashboard password as typed (hashing is what costs, not storage).</summary>
    public const int Password = 1024;

    /// <summary>Items of a JSON array (allowed integrations and the like).</summary>
    public const int ListItems = 1000;

    /// <summary>An auth log step's name and detail.</summary>
    public const int StepName = 200;

    public const int StepDetail = 1000;
}
