using System.Text.Json;

namespace Latchkey.Server.Hosting.Validation;

/// <summary>Reads a request body as JSON with the spec's rules: empty means <c>{}</c>, unparseable means <c>invalid_json</c>.</summary>
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
