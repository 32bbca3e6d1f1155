using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Latchkey.Client;

/// <summary>Source-generated (de)serialization of the API's snake_case bodies: no reflection, trimming-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateConnectSessionRequest))]
[JsonSerializable(typeof(CreateReconnectSessionRequest))]
[JsonSerializable(typeof(DataResponse<ConnectSession>))]
[JsonSerializable(typeof(Connection))]
[JsonSerializable(typeof(ConnectionList))]
[JsonSerializable(typeof(PatchConnectionRequest))]
[JsonSerializable(typeof(MetadataRequest))]
[JsonSerializable(typeof(SuccessResponse))]
[JsonSerializable(typeof(DataResponse<Integration>))]
[JsonSerializable(typeof(DataResponse<IReadOnlyList<Integration>>))]
[JsonSerializable(typeof(CreateIntegrationRequest))]
[JsonSerializable(typeof(UpdateIntegrationRequest))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class LatchkeyJsonContext : JsonSerializerContext;
