using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// Repeated timings of one microrun: median and quartiles in seconds, how many measured repetitions (warm-up excluded), the
/// repetitions themselves and the robust estimate the fits use (see Calibration/Measurement/Statistics.cs for its choice).
/// Records written before the repetitions were kept have neither; their estimate is the median.
/// </summary>
public sealed record TimingStats(double Median, double P25, double P75, int Samples, IReadOnlyList<double>? Seconds = null, double? Robust = null)
{
    /// <summary>The time the fits and the held-out checks use: the robust estimate where one was made, else the median.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double Estimate => Robust ?? Median;
}

/// <summary>A (batched) matrix product: Batch × [M×K]·[K×N]; a weight-gradient product has its [M×K] operand transposed (dYᵀ·X).</summary>
public sealed record GemmMeasurement(Precision Precision, long M, long N, long K, long Batch, TimingStats Time, bool WeightGradient = false)
{
    public double Flops => 2.0 * M * N * K * Batch;
    /// <summary>GFLOP of one product of the batch: the size the GEMM efficiency curve is indexed by.</summary>
    public double GflopPerProduct => 2.0 * M * N * K * 1e-9;
    public double AchievedFlops => Flops / Time.Estimate;
}

/// <summary>A memory-bound kernel moving <c>Bytes</c> (the convention the cost model uses for that kernel class) on tensors of one precision.</summary>
public sealed record MemoryMeasurement(MemoryKernel Kernel, string Operation, long Bytes, TimingStats Time, Precision Precision = Precision.Fp32)
{
    public double BytesPerSecond => Bytes / Time.Estimate;
}

/// <summary>One collective of <c>Bytes</c> on <c>Ranks</c> ranks; <c>InterNode</c> when its ranks sit on different machines (`calibrate --hostfile`).</summary>
public sealed record CollectiveMeasurement(string Kind, long Bytes, int Ranks, TimingStats Time, bool InterNode = false);

/// <summary>
/// One fitted curve: which model was kept, its parameters, its error on the points it was fitted to and on held-out points,
/// and a confidence interval [low, high] per parameter from bootstrap resamples of the repetitions (records made before
/// intervals were kept have none).
/// </summary>
public sealed record CurveFit(string Name, string Model, IReadOnlyDictionary<string, double> Parameters, double FitMapePercent, double HeldOutMapePercent, string? Rejected = null,
    IReadOnlyDictionary<string, double[]>? Intervals = null);

/// <summary>The machine a profile was measured on.</summary>
public sealed record DeviceInfo(string Device, string Processor, int LogicalCores, int TorchThreads, string TorchSharpVersion, string LibTorchVersion, string OperatingSystem, string Date);

/// <summary>A whole block stack or attention core timed in calibration's interleaved rounds (fitted and held-out sizes alike).</summary>
public sealed record BlockTiming(string Name, TimingStats Time);

/// <summary>Everything `calibrate` measured and fitted, kept next to the profile so the fit can be checked and redone.</summary>
public sealed record CalibrationRecord(
    DeviceInfo Device, IReadOnlyList<GemmMeasurement> Gemm, IReadOnlyList<MemoryMeasurement> Memory,
    IReadOnlyList<CollectiveMeasurement> Collectives, IReadOnlyList<CurveFit> Fits, bool Quick, IReadOnlyList<BlockTiming>? Blocks = null);
