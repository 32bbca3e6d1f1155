using System.Security.Cryptography;
using Latchkey.Server.Storage;
using Npgsql;

/// <summary>A database of its own for one benchmark run on PostgreSQL, created from an admin URL and dropped after.</summary>
internal sealed record LoadDatabase(string Admin, string Name, string ConnectionString)
{
    public static async Task<LoadDatabase> CreateAsync(string url)
    {
        var admin = PostgresConnectionString.From(url);
        var name = $"latchkey_load_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new LoadDatabase(admin, name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString());
    }

    public async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
