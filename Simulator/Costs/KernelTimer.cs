using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Time of one kernel on one device by the roofline model (Williams et al. 2009): the slower of its arithmetic at the
/// size-dependent achieved fraction of peak and its memory traffic at the achieved bandwidth, plus a fixed per-kernel cost.
/// GEMMs reach the profile's curve at their size, times their tile and wave quantization against a square product's where the
/// profile has <see cref="GemmTiling"/>; fused
/// attention runs at the profile's curve for the kernel, head dimension and sequence length, at the half-precision peak
/// (fp8 recipes keep attention in bf16: NVIDIA Transformer Engine, "Using FP8 with Transformer Engine").
/// </summary>
public readonly struct KernelTimer
{
    private readonly double peakFlops, attentionPeakFlops, memoryBytesPerSecond, fusedAttentionEfficiency, overheadSeconds;
    private readonly EfficiencyCurve gemm, weightGradientGemm;
    private readonly EfficiencyCurve[] memory;
    private readonly GemmTiling? tiling;
    private readonly AttentionCurve? attention;

    public KernelTimer(double peakFlops, double memoryBytesPerSecond, EfficiencyCurve gemm, EfficiencyCurve weightGradientGemm, EfficiencyCurve[] memory,
        double fusedAttentionEfficiency, double overheadSeconds, GemmTiling? tiling = null, AttentionCurve? attention = null, double? attentionPeakFlops = null,
        double hostSecondsPerOperator = 0)
    {
        this.peakFlops = peakFlops;
        this.memoryBytesPerSecond = memoryBytesPerSecond;
        this.gemm = gemm;
        this.weightGradientGemm = weightGradientGemm;
        this.memory = memory;
        this.fusedAttentionEfficiency = fusedAttentionEfficiency;
        this.overheadSeconds = overheadSeconds;
        this.tiling = tiling;
        this.attention = attention;
        this.attentionPeakFlops = attentionPeakFlops ?? peakFlops;
        HostSecondsPerOperator = hostSecondsPerOperator;
    }

    /// <summary>The timer of one precision on one device: measured peaks and per-kernel-class curves where the profile has them.</summary>
    public static KernelTimer For(Hardware.AcceleratorSpec accelerator, Precision precision, DeviceProfile profile, AttentionKernel attentionKernel = AttentionKernel.Flash2, int headDim = 128)
    {
        var attentionPrecision = precision == Precision.Fp8 ? Precision.Bf16 : precision;
        return new(
            profile.PeakFlops(accelerator, precision) * profile.SustainedClockFraction,
            profile.MemoryBytesPerSecond(accelerator),
            profile.GemmEfficiency(precision),
            profile.WeightGradientGemmEfficiency(precision),
            [.. Enum.GetValues<MemoryKernel>().Select(profile.MemoryCurve)],
            profile.FusedAttentionEfficiency,
            profile.KernelOverheadSeconds,
            profile.Tiling,
            profile.AttentionCurveFor(attentionKernel, headDim),
            profile.PeakFlops(accelerator, attentionPrecision) * profile.SustainedClockFraction,
            profile.HostSecondsPerOperator);
    }

    /// <summary>Seconds the host spends issuing one framework operator (0: the device never waits for the host).</summary>
    public double HostSecondsPerOperator { get; }

    /// <summary>Batched GEMM (batch × [m×k]·[k×n]) reading both operands and writing the product once.</summary>
    public double Gemm(double m, double n, double k, double batch, int elementBytes) => Product(gemm, m, n, k, batch, elementBytes);

    /// <summary>A weight gradient [m×k]ᵀ-layout product dW = dYᵀ·X ([m×k]·[k×n] with k the token count), at its own efficiency; <paramref name="batch"/> of them grouped in one kernel (MoE experts).</summary>
    public double WeightGradientGemm(double m, double n, double k, int elementBytes, double batch = 1) => Product(weightGradientGemm, m, n, k, batch, elementBytes);

    /// <summary>A linear layer's forward on m tokens: [m×k]·[k×n], <paramref name="batch"/> of them grouped (MoE experts).</summary>
    public double LinearForward(double m, double n, double k, int elementBytes, double batch = 1) => Gemm(m, n, k, batch, elementBytes);

    /// <summary>Its backward: the input gradient [m×n]·[n×k] and the weight gradient [k×m]·[m×n] (dYᵀ·X, at the weight-gradient efficiency).</summary>
    public double LinearBackward(double m, double n, double k, int elementBytes, double batch = 1) =>
        Gemm(m, k, n, batch, elementBytes) + WeightGradientGemm(k, n, m, elementBytes, batch);

    private double Product(EfficiencyCurve efficiency, double m, double n, double k, double batch, int elementBytes)
    {
        double flops = 2 * m * n * k * batch;                       // one multiply and one add per MAC
        double bytes = (m * k + k * n + m * n) * batch * elementBytes;
        double achieved = efficiency.At(flops / batch * 1e-9) * (tiling?.RelativeToSquare(m, n, k, batch) ?? 1);
        return Math.Max(flops / (peakFlops * achieved), Stream(bytes, MemoryKernel.Elementwise)) + overheadSeconds;
    }

    /// <summary>An element-wise, normalisation, softmax or activation pass of <paramref name="kernels"/> kernels streaming <paramref name="bytes"/> through memory.</summary>
    public double Memory(double bytes, MemoryKernel kernel = MemoryKernel.Elementwise, int kernels = 1) => Stream(bytes, kernel) + kernels * overheadSeconds;

    /// <summary>A fused attention kernel doing <paramref name="flops"/> over query blocks of <paramref name="sequence"/> tokens, forward or backward.</summary>
    public double FusedAttention(double flops, double sequence, bool backward)
    {
        double efficiency = attention is { } curve
            ? (backward ? curve.BackwardBySequence : curve.ForwardBySequence).At(sequence)
            : fusedAttentionEfficiency;
        return flops / (attentionPeakFlops * efficiency) + overheadSeconds;
    }

    private double Stream(double bytes, MemoryKernel kernel) => bytes / (memoryBytesPerSecond * memory[(int)kernel].At(bytes * 1e-6));
}
