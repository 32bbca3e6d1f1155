namespace Latchkey.Server.ConnectUi;

/// <summary>Where the built Connect UI lives. Bound from <c>LATCHKEY_CONNECT_UI_DIR</c>.</summary>
public sealed class ConnectUiOptions
{
    /// <summary>
    /// A folder holding a Connect UI build (its <c>index.html</c> and <c>assets/</c>). Default: <c>wwwroot/connect-ui</c>,
    /// where <c>web/connect-ui</c> builds to. Set it to serve a customised build without rebuilding the server.
    /// </summary>
    public string? Folder { get; set; }
}
