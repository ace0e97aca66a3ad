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
            string where = ex.Path is { Length: > 0 } path ? $" at {path}" : "";
            throw new SpecException("profile", $"'{source}' is not a device profile (JSON line {ex.LineNumber + 1}{where}): missing or malformed fields");
        }
    }

    public static DeviceProfile Load(string path)
    {
        if (!File.Exists(path)) throw new SpecException("--profile", $"file '{path}' does not exist");
        try
        {
            return Deserialize(File.ReadAllText(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpecException("--profile", $"cannot read '{path}': {ex.Message}");
        }
    }

    private static DeviceProfile Validated(DeviceProfile p)
    {
        if (p.Gemm is not { Count: > 0 }) throw new SpecException("profile.gemm", "needs at least one precision's curve");
        foreach (var curve in p.Gemm) Curve($"profile.gemm[{curve.Precision.Key()}].efficiencyByGflop", curve.EfficiencyByGflop);
        foreach (var curve in p.WeightGradientGemm ?? []) Curve($"profile.weightGradientGemm[{curve.Precision.Key()}].efficiencyByGflop", curve.EfficiencyByGflop);
        Curve("profile.memoryByMegabyte", p.MemoryByMegabyte);
        foreach (var kernel in p.MemoryKernels ?? []) Curve($"profile.memoryKernels[{kernel.Kernel}].curve", kernel.Curve);
        foreach (var peak in p.PeakTflops ?? []) Guard.Positive($"profile.peakTflops[{peak.Precision.Key()}]", peak.Tflops);
        if (p.MemoryTBps is { } bandwidth) Guard.Positive("profile.memoryTBps", bandwidth);
        p.IntraNodeLink?.Validated("profile.intraNodeLink.");
        p.InterNodeLink?.Validated("profile.interNodeLink.");
        Fraction("profile.fusedAttentionEfficiency", p.FusedAttentionEfficiency);
        foreach (var curve in p.Attention ?? [])
        {
            string field = $"profile.attention[{curve.Kernel.Key()},{curve.HeadDim}]";
            Guard.Positive($"{field}.headDim", curve.HeadDim);
            Curve($"{field}.forwardBySequence", curve.ForwardBySequence);
            Curve($"{field}.backwardBySequence", curve.BackwardBySequence);
        }
        if (p.Tiling is { } tiling)
        {
            Guard.Positive("profile.tiling.units", tiling.Units);
            Guard.NonNegative("profile.tiling.kHalf", tiling.KHalf);
            if (tiling.Tiles is not { Count: > 0 } || tiling.Tiles.Any(t => t is not { Length: 2 } || t[0] <= 0 || t[1] <= 0))
                throw new SpecException("profile.tiling.tiles", "needs [rows, columns] pairs of positive integers");
        }
        Guard.NonNegative("profile.hostSecondsPerOperator", p.HostSecondsPerOperator);
        Fraction("profile.sustainedClockFraction", p.SustainedClockFraction);
        Fraction("profile.intraNodeLinkEfficiency", p.IntraNodeLinkEfficiency);
        Fraction("profile.interNodeLinkEfficiency", p.InterNodeLinkEfficiency);
        if (p.IntraNodeBusBandwidth is { } intraBus) Curve("profile.intraNodeBusBandwidth", intraBus);
        if (p.InterNodeBusBandwidth is { } interBus) Curve("profile.interNodeBusBandwidth", interBus);
        Guard.NonNegative("profile.overlappedCommunicationCost", p.OverlappedCommunicationCost);
        Guard.NonNegative("profile.kernelOverheadSeconds", p.KernelOverheadSeconds);
        Guard.NonNegative("profile.reservedMemoryGB", p.ReservedMemoryGB);
        if (p.Intervals is { } intervals) Intervals(intervals);
        return p;
    }

    /// <summary>A level in (0, 1), and every interval with 0 ≤ low ≤ high (a peak's and a bandwidth's low end above 0).</summary>
    private static void Intervals(ProfileIntervals intervals)
    {
        if (!(intervals.Level > 0 && intervals.Level < 1)) throw new SpecException("profile.intervals.level", $"must be in (0, 1), got {intervals.Level}");
        foreach (var peak in intervals.PeakTflops ?? []) Ordered($"profile.intervals.peakTflops[{peak.Precision.Key()}]", peak.Low, peak.High, positive: true);
        Ordered("profile.intervals.sustainedClockFraction", intervals.SustainedClockFraction?.Low, intervals.SustainedClockFraction?.High, positive: true);
        if (intervals.MemoryTBps is { } memory) Ordered("profile.intervals.memoryTBps", memory.Low, memory.High, positive: true);
        if (intervals.IntraNodeLinkGBps is { } gbps) Ordered("profile.intervals.intraNodeLinkGBps", gbps.Low, gbps.High, positive: true);
        if (intervals.IntraNodeLinkLatencySeconds is { } latency) Ordered("profile.intervals.intraNodeLinkLatencySeconds", latency.Low, latency.High, positive: false);
    }

    private static void Ordered(string field, double? low, double? high, bool positive)
    {
        if (low is not { } l || high is not { } h || !double.IsFinite(l) || !double.IsFinite(h) || l > h || (positive ? l <= 0 : l < 0))
            throw new SpecException(field, $"must be [low, high] with {(positive ? "0 <" : "0 ≤")} low ≤ high, got [{low}, {high}]");
    }

    /// <summary>A saturating curve needs Max in (0, 1] and Half ≥ 0; a table needs (size &gt; 0, efficiency in (0, 1]) pairs in order of size.</summary>
    private static void Curve(string field, EfficiencyCurve? curve)
    {
        if (curve is null) throw new SpecException(field, "is missing");
        if (curve.Points is null)
        {
            Fraction($"{field}.max", curve.Max);
            Guard.NonNegative($"{field}.half", curve.Half);
            return;
        }
        if (curve.Points.Count == 0) throw new SpecException($"{field}.points", "is empty");
        for (int i = 0; i < curve.Points.Count; i++)
        {
            var point = curve.Points[i];
            if (point is not { Length: 2 } || !(point[0] > 0) || (i > 0 && point[0] <= curve.Points[i - 1][0]))
                throw new SpecException($"{field}.points[{i}]", "must be [size, efficiency] with sizes positive and increasing");
            Fraction($"{field}.points[{i}][1]", point[1]);
        }
    }

    private static void Fraction(string field, double value)
    {
        if (!(value > 0 && value <= 1)) throw new SpecException(field, $"must be in (0, 1], got {value}");
    }
}
