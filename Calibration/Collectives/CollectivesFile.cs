using System.Text.Json;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Calibration.Collectives;

/// <summary>The collective measurements as the calibration's processes hand them to each other: a JSON array in a temporary file.</summary>
public static class CollectivesFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<CollectiveMeasurement> Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<List<CollectiveMeasurement>>(File.ReadAllText(path), Json) ?? [];
        }
        catch (JsonException ex)
        {
            throw new SpecException("calibrate", $"the collective microruns wrote an unreadable file '{path}' (line {ex.LineNumber + 1})");
        }
    }

    public static void Write(string path, IReadOnlyList<CollectiveMeasurement> measurements) =>
        File.WriteAllText(path, JsonSerializer.Serialize(measurements, Json));
}
