using System.Text.Json.Nodes;

namespace Latchkey.Server.ConnectSessions;

/// <summary>
/// <c>connectUISettings</c> of <c>GET /connect/session</c> (spec §4.3, §3.11). White label by default: no watermark.
/// </summary>
public static class ConnectUiSettings
{
    public const string DefaultPrimary = "#2563EB";

    public static JsonObject Default() => new()
    {
        ["theme"] = new JsonObject
        {
            ["light"] = new JsonObject { ["primary"] = DefaultPrimary },
            ["dark"] = new JsonObject { ["primary"] = DefaultPrimary },
        },
        ["defaultTheme"] = "system",
        ["showWatermark"] = false,
    };
}
