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
        // A bootstrap on few runs can give an infinite standard error; it is written as "Infinity" rather than failing.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
