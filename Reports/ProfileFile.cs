using System.Text.Json;
using System.Text.Json.Nodes;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Reports;

/// <summary>
/// The device profile file `calibrate` writes: the profile itself (what `--profile` reads) and, under "calibration", the
/// device, the raw medians and the fits, which the profile reader ignores and <see cref="ReadRecord"/> reads back.
/// </summary>
public static class ProfileFile
{
    public static string Serialize(DeviceProfile profile, CalibrationRecord record)
    {
        var document = JsonNode.Parse(DeviceProfileJson.Serialize(profile))!.AsObject();
        document["calibration"] = JsonSerializer.SerializeToNode(record, JsonFormat.Options);
        return document.ToJsonString(JsonFormat.Options);
    }

    public static string Write(string path, DeviceProfile profile, CalibrationRecord record)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return OutputFolder.Write(folder, new Dictionary<string, Action<string>> { [Path.GetFileName(path)] = temp => File.WriteAllText(temp, Serialize(profile, record)) })[0];
    }

    /// <summary>The calibration record saved beside the profile in <paramref name="path"/>; null when the file has none or it does not parse.</summary>
    public static CalibrationRecord? ReadRecord(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["calibration"]?.Deserialize<CalibrationRecord>(JsonFormat.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
