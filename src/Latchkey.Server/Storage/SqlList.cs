using Dapper;

namespace Latchkey.Server.Storage;

/// <summary>
/// <c>column IN (@p0, @p1, …)</c> with one parameter per value. Dapper expands <c>IN @list</c> on SQLite but passes
/// an array to Npgsql (which then needs <c>= ANY</c>), so lists are expanded here the same way for both engines.
/// </summary>
public static class SqlList
{
    public static string In<T>(string column, IReadOnlyList<T> values, DynamicParameters parameters, string prefix)
    {
        if (values.Count == 0)
        {
            return "1 = 0";
        }

        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = $"@{prefix}{i}";
            parameters.Add($"{prefix}{i}", values[i]);
        }

        return $"{column} IN ({string.Join(", ", names)})";
    }
}
