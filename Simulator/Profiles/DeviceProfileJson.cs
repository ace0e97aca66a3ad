using System.Text.Json;
using System.Text.Json.Serialization;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Profiles;

/// <summary>Reads and writes a <see cref="DeviceProfile"/> as JSON (camelCase, precisions as lower-case names), the file `--profile` takes.</summary>
public static class DeviceProfileJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        RespectRequiredConstructorParameters = true,
    };

    public static string Serialize(DeviceProfile profile) => JsonSerializer.Serialize(profile, Options);

    public static DeviceProfile Deserialize(string json, string source)
    {
        try
        {
            var profile = JsonSerializer.Deserialize<DeviceProfile>(json, Options) ?? throw new SpecException("profile", $"'{source}' holds no profile");
            return Validated(profile);
        }
        catch (JsonException ex)
        {
            throw new SpecException("profile", $"'{source}' is not a device profile: {ex.Message.Split('.')[0]}");
        }
    }

    public static DeviceProfile Load(string path) =>
        File.Exists(path) ? Deserialize(File.ReadAllText(path), path) : throw new SpecException("--profile", $"file '{path}' does not exist");

    private static DeviceProfile Validated(DeviceProfile p)
    {
        if (p.Gemm.Count == 0) throw new SpecException("profile.gemm", "needs at least one precision's curve");
        foreach (var curve in p.Gemm) Fraction($"profile.gemm[{curve.Precision.Key()}].efficiencyByGflop.max", curve.EfficiencyByGflop.Max);
        Fraction("profile.memoryByMegabyte.max", p.MemoryByMegabyte.Max);
        Fraction("profile.fusedAttentionEfficiency", p.FusedAttentionEfficiency);
        Fraction("profile.sustainedClockFraction", p.SustainedClockFraction);
        Fraction("profile.intraNodeLinkEfficiency", p.IntraNodeLinkEfficiency);
        Fraction("profile.interNodeLinkEfficiency", p.InterNodeLinkEfficiency);
        Guard.NonNegative("profile.overlappedCommunicationCost", p.OverlappedCommunicationCost);
        Guard.NonNegative("profile.kernelOverheadSeconds", p.KernelOverheadSeconds);
        Guard.NonNegative("profile.reservedMemoryGB", p.ReservedMemoryGB);
        return p;
    }

    private static void Fraction(string field, double value)
    {
        if (!(value > 0 && value <= 1)) throw new SpecException(field, $"must be in (0, 1], got {value}");
    }
}
