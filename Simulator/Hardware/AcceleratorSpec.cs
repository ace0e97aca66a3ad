using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware;

/// <summary>
/// Data-sheet facts of one accelerator: dense peak per number format (0 where the format has no fast path),
/// memory, default links and price, and the efficiency profile used when no calibrated profile is given.
/// </summary>
public sealed record AcceleratorSpec
{
    public required string Key { get; init; }
    public required string DisplayName { get; init; }
    /// <summary>Dense peak TFLOP/s by precision, no structured sparsity.</summary>
    public required IReadOnlyDictionary<Precision, double> PeakTflops { get; init; }
    public required double MemoryGB { get; init; }
    public required double MemoryTBps { get; init; }
    public required int DefaultDevicesPerNode { get; init; }
    public required LinkSpec IntraNode { get; init; }
    public required LinkSpec InterNode { get; init; }
    public required double PricePerHour { get; init; }
    public required string Source { get; init; }
    public required DeviceProfile DefaultProfile { get; init; }

    public double MemoryBytes => MemoryGB * 1e9;

    public bool Supports(Precision precision) => PeakTflops.TryGetValue(precision, out var t) && t > 0;

    public double PeakFlops(Precision precision) =>
        Supports(precision)
            ? PeakTflops[precision] * 1e12
            : throw new SpecException("layout.precision", $"{precision.Key()} has no fast path on {Key}; allowed: {string.Join(' ', PrecisionFacts.All.Where(Supports).Select(p => p.Key()))}");
}
