using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// How close a device comes to its data-sheet peaks: GEMM efficiency by size per precision, memory-bandwidth efficiency by
/// bytes moved, fused-attention efficiency, per-kernel overhead, achieved fraction of each link tier. The catalog carries a
/// default per accelerator (with its source); `scaleplan calibrate` measures one.
/// </summary>
public sealed record DeviceProfile
{
    public required string Name { get; init; }
    /// <summary>Where the numbers come from: a citation for catalog defaults, "calibrated" with the machine for measured ones.</summary>
    public required string Source { get; init; }
    public string? Date { get; init; }
    public required IReadOnlyList<GemmCurve> Gemm { get; init; }
    /// <summary>
    /// Efficiency of the weight-gradient product dW = dYᵀ·X, whose first operand is transposed and whose inner dimension is the
    /// token count, per precision; a precision without one uses <see cref="Gemm"/>'s curve.
    /// </summary>
    public IReadOnlyList<GemmCurve>? WeightGradientGemm { get; init; }
    /// <summary>
    /// Fraction of its microbenchmark matmul rate a device sustains inside whole training steps. On a GPU, the power-capped clock
    /// of a long run against the boost clock short GEMM microbenchmarks (and the data-sheet peak) assume; on a calibrated CPU,
    /// measured on whole GPT blocks: a model's working set does not stay in cache the way a lone kernel's operands do.
    /// </summary>
    public required double SustainedClockFraction { get; init; }
    /// <summary>Fraction of memory bandwidth achieved by streaming kernels, by megabytes moved (every kernel class without a curve of its own).</summary>
    public required EfficiencyCurve MemoryByMegabyte { get; init; }
    /// <summary>Fused attention throughput as a fraction of dense peak where the profile has no <see cref="Attention"/> curve for the kernel.</summary>
    public required double FusedAttentionEfficiency { get; init; }
    /// <summary>Fused attention kernels' efficiency by sequence length, per kernel and head dimension (GPU catalog profiles).</summary>
    public IReadOnlyList<AttentionCurve>? Attention { get; init; }
    /// <summary>Tile and wave quantization of GEMMs (GPU catalog profiles); without it the GEMM curves by size apply alone.</summary>
    public GemmTiling? Tiling { get; init; }
    /// <summary>
    /// Seconds the host thread spends dispatching one framework operator to the device queue (Python, the PyTorch dispatcher and
    /// the launch call); a block cannot run faster than its operators are issued. 0 where host and device are one (a CPU).
    /// </summary>
    public double HostSecondsPerOperator { get; init; }
    /// <summary>Fixed cost of one kernel (launch and tail) in seconds.</summary>
    public required double KernelOverheadSeconds { get; init; }
    /// <summary>Fraction of the intra-node link's bandwidth a collective achieves (bus bandwidth / link bandwidth).</summary>
    public required double IntraNodeLinkEfficiency { get; init; }
    public required double InterNodeLinkEfficiency { get; init; }
    /// <summary>
    /// Collective bus bandwidth by message size in MB, as a fraction of the link rate (nccl-tests busbw over the link): small
    /// messages reach a fraction of the plateau. Scales the link efficiency by curve(size)/plateau; null: every size at the plateau.
    /// </summary>
    public EfficiencyCurve? IntraNodeBusBandwidth { get; init; }
    public EfficiencyCurve? InterNodeBusBandwidth { get; init; }
    /// <summary>
    /// Fraction of the compute time under which a collective runs in the background that is lost to it: NCCL kernels occupy
    /// SMs (one per channel) and memory bandwidth while they overlap with compute.
    /// </summary>
    public required double OverlappedCommunicationCost { get; init; }
    /// <summary>Memory the framework holds outside the model (runtime context, library workspaces, allocator slack), in GB.</summary>
    public required double ReservedMemoryGB { get; init; }

    /// <summary>Measured peaks that replace the data sheet's (a calibrated profile's fitted asymptote); none for catalog defaults.</summary>
    public IReadOnlyList<PeakOverride>? PeakTflops { get; init; }
    /// <summary>Measured memory bandwidth that replaces the data sheet's, in TB/s.</summary>
    public double? MemoryTBps { get; init; }
    /// <summary>Per-class bandwidth curves; a class not listed uses <see cref="MemoryByMegabyte"/>.</summary>
    public IReadOnlyList<MemoryKernelCurve>? MemoryKernels { get; init; }
    /// <summary>Measured alpha–beta of the intra-node tier (bandwidth per direction, per-step latency); replaces the cluster's link times its efficiency.</summary>
    public Hardware.LinkSpec? IntraNodeLink { get; init; }
    /// <summary>
    /// Measured alpha–beta of the inter-node tier (`calibrate --hostfile`: every rank of a machine crossing to the others at
    /// once, so bandwidth per device); replaces the cluster's inter-node link times its efficiency.
    /// </summary>
    public Hardware.LinkSpec? InterNodeLink { get; init; }
    /// <summary>Held-out checks of this profile (calibrate's transformer blocks): name, predicted, measured, error.</summary>
    public IReadOnlyList<ValidationPoint>? Validation { get; init; }

    /// <summary>Confidence intervals of the calibrated figures (peaks, sustained fraction, memory bandwidth, link); none for catalog defaults.</summary>
    public ProfileIntervals? Intervals { get; init; }
    /// <summary>How busy the machine was while it was calibrated; <see cref="MachineState.Busy"/> marks a profile measured under other work.</summary>
    public MachineState? Machine { get; init; }

    public double PeakFlops(Hardware.AcceleratorSpec accelerator, Precision precision)
    {
        foreach (var peak in PeakTflops ?? [])
        {
            if (peak.Precision == precision) return peak.Tflops * 1e12;
        }
        return accelerator.PeakFlops(precision);
    }

    public double MemoryBytesPerSecond(Hardware.AcceleratorSpec accelerator) => (MemoryTBps ?? accelerator.MemoryTBps) * 1e12;

    /// <summary>
    /// The curve of <paramref name="kernel"/> on <paramref name="precision"/>'s tensors: one measured in that precision, else one
    /// for every precision, else the fp32 one (a half format without curves of its own streams like fp32); a backward class
    /// without a curve takes its forward class's, and anything else <see cref="MemoryByMegabyte"/>.
    /// </summary>
    public EfficiencyCurve MemoryCurve(MemoryKernel kernel, Precision precision = Precision.Fp32)
    {
        var curves = (MemoryKernels ?? []).Where(c => c.Kernel == kernel).ToList();
        var found = curves.FirstOrDefault(c => c.Precision == precision) ?? curves.FirstOrDefault(c => c.Precision is null)
            ?? curves.FirstOrDefault(c => c.Precision == Precision.Fp32);
        if (found is not null) return found.Curve;
        return kernel switch
        {
            MemoryKernel.NormalizationBackward => MemoryCurve(MemoryKernel.Normalization, precision),
            MemoryKernel.SoftmaxBackward => MemoryCurve(MemoryKernel.Softmax, precision),
            MemoryKernel.ActivationBackward => MemoryCurve(MemoryKernel.Activation, precision),
            _ => MemoryByMegabyte,
        };
    }

    /// <summary>The curve of <paramref name="kernel"/> at the head dimension closest to <paramref name="headDim"/>; null when the profile has none.</summary>
    public AttentionCurve? AttentionCurveFor(AttentionKernel kernel, int headDim) =>
        (Attention ?? []).Where(curve => curve.Kernel == kernel).MinBy(curve => Math.Abs(Math.Log((double)curve.HeadDim / headDim)));

    public EfficiencyCurve WeightGradientGemmEfficiency(Precision precision) =>
        WeightGradientGemm?.FirstOrDefault(curve => curve.Precision == precision)?.EfficiencyByGflop ?? GemmEfficiency(precision);

    public EfficiencyCurve GemmEfficiency(Precision precision)
    {
        foreach (var curve in Gemm)
        {
            if (curve.Precision == precision) return curve.EfficiencyByGflop;
        }
        // A precision the profile did not measure uses the curve of the closest format measured: half formats share tensor cores.
        foreach (var fallback in new[] { Precision.Bf16, Precision.Fp16, Precision.Fp32 })
        {
            foreach (var curve in Gemm)
            {
                if (curve.Precision == fallback) return curve.EfficiencyByGflop;
            }
        }
        throw new SpecException("profile.gemm", $"profile '{Name}' has no GEMM curve");
    }
}
