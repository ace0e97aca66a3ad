using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Time of one kernel on one device by the roofline model (Williams et al. 2009): the slower of its arithmetic at the
/// size-dependent achieved fraction of peak and its memory traffic at the achieved bandwidth, plus a fixed per-kernel cost.
/// </summary>
public readonly struct KernelTimer(double peakFlops, double memoryBytesPerSecond, EfficiencyCurve gemm, EfficiencyCurve weightGradientGemm, EfficiencyCurve[] memory, double fusedAttentionEfficiency, double overheadSeconds)
{
    /// <summary>The timer of one precision on one device: measured peaks and per-kernel-class curves where the profile has them.</summary>
    public static KernelTimer For(Hardware.AcceleratorSpec accelerator, Specs.Precision precision, DeviceProfile profile) => new(
        profile.PeakFlops(accelerator, precision) * profile.SustainedClockFraction,
        profile.MemoryBytesPerSecond(accelerator),
        profile.GemmEfficiency(precision),
        profile.WeightGradientGemmEfficiency(precision),
        [.. Enum.GetValues<MemoryKernel>().Select(profile.MemoryCurve)],
        profile.FusedAttentionEfficiency,
        profile.KernelOverheadSeconds);

    /// <summary>Batched GEMM (batch × [m×k]·[k×n]) reading both operands and writing the product once.</summary>
    public double Gemm(double m, double n, double k, double batch, int elementBytes) => Product(gemm, m, n, k, batch, elementBytes);

    /// <summary>A weight gradient [m×k]ᵀ-layout product dW = dYᵀ·X ([m×k]·[k×n] with k the token count), at its own efficiency.</summary>
    public double WeightGradientGemm(double m, double n, double k, int elementBytes) => Product(weightGradientGemm, m, n, k, 1, elementBytes);

    private double Product(EfficiencyCurve efficiency, double m, double n, double k, double batch, int elementBytes)
    {
        double flops = 2 * m * n * k * batch;                       // one multiply and one add per MAC
        double bytes = (m * k + k * n + m * n) * batch * elementBytes;
        double arithmetic = flops / (peakFlops * efficiency.At(flops / batch * 1e-9));
        return Math.Max(arithmetic, Stream(bytes, MemoryKernel.Elementwise)) + overheadSeconds;
    }

    /// <summary>An element-wise, normalisation, softmax or activation kernel that streams <paramref name="bytes"/> through memory.</summary>
    public double Memory(double bytes, MemoryKernel kernel = MemoryKernel.Elementwise) => Stream(bytes, kernel) + overheadSeconds;

    /// <summary>A fused attention kernel doing <paramref name="flops"/> at the profile's fused-attention efficiency.</summary>
    public double FusedAttention(double flops) => flops / (peakFlops * fusedAttentionEfficiency) + overheadSeconds;

    private double Stream(double bytes, MemoryKernel kernel) => bytes / (memoryBytesPerSecond * memory[(int)kernel].At(bytes * 1e-6));
}
