using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Latchkey.Server.Environments;
using Latchkey.Server.Hosting;
using Latchkey.Server.Hosting.Validation;

namespace Latchkey.Server.Settings;

/// <summary>
/// A change to an environment's settings. Every member is optional; <c>Clear*</c> flags say "set to null" where
/// null is a meaningful value (no callback URL, no limit, no webhook URL).
/// </summary>
public sealed record SettingsPatch
{
    public string? LightPrimary { get; init; }

    public string? DarkPrimary { get; init; }

    public string? DefaultTheme { get; init; }

    public bool? ShowWatermark { get; init; }

    public JsonObject? Strings { get; init; }

    public IReadOnlyList<string>? AllowedOrigins { get; init; }

    public Change<string> CallbackUrl { get; init; }

    public Change<int?> ConnectionLimit { get; init; }

    public Change<string> PrimaryUrl { get; init; }

    public Change<string> SecondaryUrl { get; init; }

    public bool? OnAuthCreation { get; init; }

    public bool? OnAuthRefreshError { get; init; }

    /// <summary>Applies the Connect UI, origin and webhook parts to the stored settings.</summary>
    public EnvironmentSettings ApplyTo(EnvironmentSettings current)
    {
        var ui = current.ConnectUi.DeepClone().AsObject();
        if (LightPrimary is not null || DarkPrimary is not null)
        {
            var theme = ui["theme"] as JsonObject ?? [];
            ui["theme"] = theme;
            if (LightPrimary is not null)
            {
                theme["light"] = new JsonObject { ["primary"] = LightPrimary };
            }

            if (DarkPrimary is not null)
            {
                theme["dark"] = new JsonObject { ["primary"] = DarkPrimary };
            }
        }

        if (DefaultTheme is not null)
        {
            ui["defaultTheme"] = DefaultTheme;
        }

        if (ShowWatermark is { } watermark)
        {
            ui["showWatermark"] = watermark;
        }

        if (Strings is not null)
        {
            if (Strings.Count == 0)
            {
                ui.Remove("strings");
            }
            else
            {
                ui["strings"] = Strings.DeepClone();
            }
        }

        var webhooks = current.Webhooks;
        webhooks = webhooks with
        {
            PrimaryUrl = PrimaryUrl.IsSet ? PrimaryUrl.Value : webhooks.PrimaryUrl,
            SecondaryUrl = SecondaryUrl.IsSet ? SecondaryUrl.Value : webhooks.SecondaryUrl,
            OnAuthCreation = OnAuthCreation ?? webhooks.OnAuthCreation,
            OnAuthRefreshError = OnAuthRefreshError ?? webhooks.OnAuthRefreshError,
        };
        return new EnvironmentSettings(ui, AllowedOrigins ?? current.AllowedOrigins, webhooks);
    }
}

/// <summary>A value that may be absent, present and null, or present with a value.</summary>
public readonly record struct Change<T>(bool IsSet, T? Value);

public static class Change
{
    public static Change<T> To<T>(T? value) => new(true, value);
}

/// <summary>Reads and checks <c>PATCH /environment</c> bodies; the dashboard's form goes through the same rules.</summary>
public static partial class SettingsRequests
{
    public const int MaxOrigins = 50;
    private static readonly StringRule Url = StringRule.Bounded(1, InputLimits.Url);
    private static readonly StringRule Colour = new(1, 64, CssColour(), "must be a CSS colour: #rgb, #rrggbb, #rrggbbaa or rgb(r, g, b)");
    private static readonly StringRule Theme = new(1, 16, ThemeName(), "must be light, dark or system");
    private static readonly StringRule Origin = StringRule.Bounded(1, InputLimits.Url);
    private static readonly StringRule Text = StringRule.Bounded(0, InputLimits.Text);

    public static Outcome<SettingsPatch> ReadPatch(JsonElement body)
    {
        var validator = new Validator();
        var root = JsonObjectReader.Root(body, validator, ["connect_ui", "allowed_origins", "callback_url", "webhook", "connection_limit", "name"]);
        if (root is not { } reader)
        {
            return validator.ToError(ErrorCodes.InvalidBody);
        }

        if (reader.Has("name"))
        {
            reader.Fail("name", IssueCodes.Custom, "the environment name cannot be changed");
        }

        var patch = new SettingsPatch();
        if (reader.Nested("connect_ui", ["theme", "default_theme", "show_watermark", "strings"]) is { } ui)
        {
            var theme = ui.Nested("theme", ["light", "dark"]);
            patch = patch with
            {
                LightPrimary = theme?.Nested("light", ["primary"])?.Text("primary", Colour, required: true),
                DarkPrimary = theme?.Nested("dark", ["primary"])?.Text("primary", Colour, required: true),
                DefaultTheme = ui.Text("default_theme", Theme),
                ShowWatermark = ui.Boolean("show_watermark"),
                Strings = ReadStrings(ui),
            };
        }

        if (reader.StringArray("allowed_origins", Origin, maxItems: MaxOrigins) is { } origins)
        {
            var normalised = new List<string>();
            for (var i = 0; i < origins.Count; i++)
            {
                if (NormaliseOrigin(origins[i]) is { } origin)
                {
                    normalised.Add(origin);
                }
                else
                {
                    validator.Add(IssueCodes.InvalidFormat, "must be an origin: http(s)://host[:port], without path, query or fragment",
                        ["allowed_origins", i.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                }
            }

            patch = patch with { AllowedOrigins = normalised.Distinct(StringComparer.Ordinal).ToArray() };
        }

        patch = patch with { CallbackUrl = NullableUrl(reader, "callback_url") };
        if (IsNull(reader, "connection_limit"))
        {
            patch = patch with { ConnectionLimit = Change.To<int?>(null) };
        }
        else if (reader.WholeNumber("connection_limit", 0, 10_000_000) is { } limit)
        {
            patch = patch with { ConnectionLimit = Change.To<int?>(limit) };
        }

        if (reader.Nested("webhook", ["primary_url", "secondary_url", "on_auth_creation", "on_auth_refresh_error"]) is { } webhook)
        {
            patch = patch with
            {
                PrimaryUrl = NullableUrl(webhook, "primary_url"),
                SecondaryUrl = NullableUrl(webhook, "secondary_url"),
                OnAuthCreation = webhook.Boolean("on_auth_creation"),
                OnAuthRefreshError = webhook.Boolean("on_auth_refresh_error"),
            };
        }

        return validator.HasErrors ? validator.ToError(ErrorCodes.InvalidBody) : patch;
    }

    /// <summary><c>scheme://host[:port]</c> in lower case, or null when the value is not an origin.</summary>
    public static string? NormaliseOrigin(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") ||
            uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.AbsolutePath != "/" ||
            value.TrimEnd('/').Count(c => c == '/') > 2)
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    // strings: { lang: { key: text } } passed to the Connect UI as connectUISettings.strings.
    private static JsonObject? ReadStrings(JsonObjectReader ui)
    {
        if (ui.ObjectRecord("strings", allowedValueKeys: null) is not { } languages)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (language, entries) in languages)
        {
            if (language.Length is 0 or > 16)
            {
                ui.Validator.Add(IssueCodes.InvalidFormat, "language codes have 1 to 16 characters", ["connect_ui", "strings", language]);
                continue;
            }

            var texts = new JsonObject();
            foreach (var key in entries.Keys())
            {
                if (entries.Text(key, Text, required: true) is { } text)
                {
                    texts[key] = text;
                }
            }

            result[language] = texts;
        }

        return result;
    }

    private static Change<string> NullableUrl(JsonObjectReader reader, string key)
    {
        if (IsNull(reader, key))
        {
            return Change.To<string>(null);
        }

        if (reader.Text(key, Url) is not { } url)
        {
            return default;
        }

        if (url.Length == 0)
        {
            return Change.To<string>(null);
        }

        if (!HttpUrls.IsHttpUrl(url))
        {
            reader.Fail(key, IssueCodes.InvalidFormat, "must be an absolute http(s) URL");
            return default;
        }

        return Change.To<string>(url);
    }

    private static bool IsNull(JsonObjectReader reader, string key) =>
        reader.Element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Null;

    [GeneratedRegex(@"^(#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|rgba?\(\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*(,\s*(0|1|0?\.\d+)\s*)?\))$")]
    private static partial Regex CssColour();

    [GeneratedRegex("^(light|dark|system)$")]
    private static partial Regex ThemeName();
}
