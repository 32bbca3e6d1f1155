using System.Net.Sockets;
using Latchkey.Server.Hosting;
using Latchkey.Server.Providers;
using Latchkey.Server.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Latchkey.Server;

/// <summary>
/// What the process says when it cannot start because of its settings: one sentence per problem on stderr, naming the
/// setting, without a stack trace, and exit code 1 (<see cref="Describe"/>). Each feature refuses in its own words
/// (options validation, <see cref="StartupRefusalException"/>); what only shows when the server reaches out — a
/// database that cannot be reached or refuses the login, a data folder that cannot be written, a port in use — is
/// recognised here, by the exception that says so.
/// </summary>
public static class StartupFailure
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// The host logs a failed start as an error carrying the whole exception; the process tells it instead, so that
    /// one line is dropped until the server has started. Host errors after the start are logged as usual.
    /// </summary>
    /// <returns>Call it once the application is built, with its lifetime.</returns>
    public static Action<IHostApplicationLifetime> LeaveStartFailuresToTheProcess(WebApplicationBuilder builder)
    {
        var started = false;
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (level != LogLevel.Error || Volatile.Read(ref started)));
        return lifetime => lifetime.ApplicationStarted.Register(() => Volatile.Write(ref started, true));
    }

    /// <summary>The sentences that explain a failed start, or null when the failure is not one of the settings (a bug).</summary>
    /// <param name="exception">What the build or the start threw.</param>
    /// <param name="configuration">The server's settings, to name the database without its password.</param>
    public static IReadOnlyList<string>? Describe(Exception exception, IConfiguration? configuration)
    {
        var sentences = new List<string>();
        foreach (var failure in Flatten(exception))
        {
            if (Sentences(failure, configuration) is not { } said)
            {
                return null;
            }

            sentences.AddRange(said);
        }

        return sentences.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<Exception> Flatten(Exception exception) =>
        exception is AggregateException aggregate ? aggregate.InnerExceptions.SelectMany(Flatten) : [exception];

    private static IEnumerable<string>? Sentences(Exception exception, IConfiguration? configuration) => exception switch
    {
        StartupRefusalException refusal => refusal.Message.Split(Environment.NewLine),
        OptionsValidationException invalid => invalid.Failures,
        CatalogException catalog => [catalog.Message.StartsWith("LATCHKEY_", StringComparison.Ordinal) ? catalog.Message : $"LATCHKEY_PROVIDERS_FILE: {catalog.Message}"],
        IOException { InnerException: AddressInUseException } inUse =>
            [$"Latchkey cannot listen: {inUse.Message.TrimEnd('.')}; stop the other process or set another LATCHKEY_PORT."],
        IOException bind when bind.Message.StartsWith("Failed to bind to address", StringComparison.Ordinal) =>
            [$"Latchkey cannot listen: {bind.Message.TrimEnd('.')}; check LATCHKEY_BIND and LATCHKEY_PORT."],
        PostgresException refused when IsConnectionPhase(refused.SqlState) =>
            [$"LATCHKEY_DATABASE_URL: PostgreSQL at {Where(configuration)} refused the connection: {refused.MessageText}."],
        NpgsqlException unreachable when unreachable is not PostgresException && FindInner<Exception>(unreachable, IsNetworkFailure) is { } cause =>
            [$"LATCHKEY_DATABASE_URL: PostgreSQL at {Where(configuration)} could not be reached: {cause.Message.TrimEnd('.')}."],
        SqliteException sqlite when sqlite.SqliteErrorCode is 8 or 10 or 14 => // SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN
            [$"LATCHKEY_DATA_DIR: the database {DataFile(configuration)} cannot be opened or written ({sqlite.Message.TrimEnd('.')})."],
        IOException or UnauthorizedAccessException when MentionsDataDirectory(exception, configuration) =>
            [$"LATCHKEY_DATA_DIR: {exception.Message.TrimEnd('.')}."],
        _ => null,
    };

    // Class 08 (connection exception), 28 (authorization, e.g. 28P01 a wrong password), 3D000 (no such database),
    // 53300 (too many connections), 57P03 (cannot connect now): PostgreSQL's answers to a connection, not to a query.
    private static bool IsConnectionPhase(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("28", StringComparison.Ordinal) || sqlState is "3D000" or "53300" or "57P03";

    private static bool IsNetworkFailure(Exception exception) =>
        exception is SocketException or TimeoutException or System.Security.Authentication.AuthenticationException or EndOfStreamException;

    private static T? FindInner<T>(Exception exception, Func<Exception, bool> match)
        where T : Exception
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is T found && match(found))
            {
                return found;
            }
        }

        return null;
    }

    // host:port/database, never the password.
    private static string Where(IConfiguration? configuration)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.From(configuration?["LATCHKEY_DATABASE_URL"] ?? ""));
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or UriFormatException)
        {
            return "the configured address";
        }
    }

    private static string DataDirectory(IConfiguration? configuration) => Path.GetFullPath(configuration?["LATCHKEY_DATA_DIR"] ?? "data");

    private static string DataFile(IConfiguration? configuration) => Path.Combine(DataDirectory(configuration), "latchkey.db");

    private static bool MentionsDataDirectory(Exception exception, IConfiguration? configuration) =>
        exception.Message.Contains(DataDirectory(configuration), StringComparison.Ordinal)
        || (configuration?["LATCHKEY_DATA_DIR"] is { Length: > 0 } folder && exception.Message.Contains(folder, StringComparison.Ordinal));
}
