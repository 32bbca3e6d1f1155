using Microsoft.Extensions.Options;

namespace Latchkey.Server.Proxy;

/// <summary>
/// Caps the proxied calls of one connection in flight at once, to protect the provider (and the account's rate
/// limit) and this server from one runaway caller. A call over the cap is refused at once rather than queued.
/// </summary>
public sealed class ConnectionGate(IOptions<ProxyOptions> options)
{
    private readonly Dictionary<long, int> _active = [];

    public bool TryEnter(long connectionRef)
    {
        lock (_active)
        {
            var count = _active.GetValueOrDefault(connectionRef);
            if (count >= options.Value.MaxConcurrentPerConnection)
            {
                return false;
            }

            _active[connectionRef] = count + 1;
            return true;
        }
    }

    public void Leave(long connectionRef)
    {
        lock (_active)
        {
            var count = _active.GetValueOrDefault(connectionRef) - 1;
            if (count <= 0)
            {
                _active.Remove(connectionRef);
            }
            else
            {
                _active[connectionRef] = count;
            }
        }
    }
}
