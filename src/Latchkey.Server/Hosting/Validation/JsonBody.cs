using System.Text.Json;

namespace Latchkey.Server.Hosting.Validation;

/// <summary>
/// Reads a request body as JSON with the spec's rules: empty means <c>{}</c>, unparseable means <c>invalid_json</c>,
/// and text that is not Unicode (a lone surrogate such as <c>"\ud800"</c>, which the parser accepts but cannot turn
/// into a string) means <c>invalid_body</c>, found here once so no reader meets it later as an exception.
/// </summary>
public static class JsonBody
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32 };

    public static async Task<Outcome<JsonElement>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            if (buffer.Length == 0 || IsWhitespace(buffer))
            {
                return EmptyObject.Clone();
            }

            buffer.Position = 0;
            using var document = await JsonDocument.ParseAsync(buffer, ParseOptions, cancellationToken);
            if (FirstInvalidText(document.RootElement, []) is { } path)
            {
                return ApiError.InvalidBody("The request body contains text that is not valid Unicode (a lone surrogate).", path);
            }

            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return ApiError.BadRequest(ErrorCodes.InvalidJson, "The request body is not valid JSON.");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ApiError(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "The request body is larger than the server accepts.");
        }
    }

    /// <summary>The path of the first string or key that does not decode to Unicode, or null when every one does.</summary>
    private static string[]? FirstInvalidText(JsonElement element, string[] path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(element.GetString) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string? name = null;
                    if (!Decodes(() => name = property.Name))
                    {
                        return path;
                    }

                    if (FirstInvalidText(property.Value, [.. path, name!]) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstInvalidText(item, [.. path, index.ToString(System.Globalization.CultureInfo.InvariantCulture)]) is { } found)
                    {
                        return found;
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    // System.Text.Json throws InvalidOperationException when an escaped lone surrogate cannot become a .NET string.
    private static bool Decodes(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsWhitespace(MemoryStream buffer)
    {
        foreach (var b in buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
        {
            if (b is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;
}
