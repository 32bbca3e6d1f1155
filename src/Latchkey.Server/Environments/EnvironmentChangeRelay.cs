using System.Globalization;
using Latchkey.Server.Storage;

namespace Latchkey.Server.Environments;

/// <summary>
/// Drops this instance's cached keys of an environment another instance changed (a rotated secret key, a new
/// connection limit), so the old key is refused everywhere within a moment instead of after the cache's lifetime.
/// The payload is the environment's row id, never a key.
/// </summary>
public sealed class EnvironmentChangeRelay(EnvironmentDirectory directory) : INotificationHandler
{
    public const string Channel = "latchkey_environment_changed";

    string INotificationHandler.Channel => Channel;

    public Task HandleAsync(string payload, CancellationToken cancellationToken)
    {
        if (long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var environmentId))
        {
            directory.Forget(environmentId);
        }
        else
        {
            // Not ours to understand: forgetting everything is always safe.
            directory.ForgetAll();
        }

        return Task.CompletedTask;
    }

    public void MissedMessages() => directory.ForgetAll();
}
