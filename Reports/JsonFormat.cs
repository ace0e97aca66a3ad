using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScalePlanner.Reports;

/// <summary>The one JSON style of every output: camelCase, indented, enums as lower-case strings.</summary>
public static class JsonFormat
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
