namespace Latchkey.Server.Hosting;

/// <summary>
/// A setting, or what it points at, that stops start-up. The message is what the operator reads: one sentence per
/// problem, naming the setting and saying what is wrong, never a secret. The process prints it on stderr without a
/// stack trace and exits with code 1.
/// </summary>
public sealed class StartupRefusalException : InvalidOperationException
{
    public StartupRefusalException(string message)
        : base(message)
    {
    }

    public StartupRefusalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
