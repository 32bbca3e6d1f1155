using System.Text.Json.Nodes;

namespace Latchkey.Server.Environments;

/// <summary>Auth webhook settings of an environment (spec §7).</summary>
public sealed record WebhookSettings(
    string? PrimaryUrl = null,
    string? SecondaryUrl = null,
    bool OnAuthCreation = true,
    bool OnAuthRefreshError = true);

/// <summary>
/// What an environment's owner configures: the Connect UI's look (<c>connectUISettings</c>), the origins allowed to
/// frame the Connect UI, and auth webhooks. The webhook signing key is separate (sealed); when unset it defaults to
/// the environment's secret key (spec §7.3).
/// </summary>
public sealed record EnvironmentSettings(JsonObject ConnectUi, IReadOnlyList<string> AllowedOrigins, WebhookSettings Webhooks)
{
    public const string DefaultPrimary = "#2563EB";

    /// <summary>White label by default: no watermark; system theme.</summary>
    public static JsonObject DefaultConnectUi() => new()
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
