using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Simulator.Hardware.Profiles;

/// <summary>
/// nccl-tests / rccl-tests all-reduce bus bandwidth by message size (32 KiB, 1 MiB, 8 MiB, 64 MiB, 256 MiB, 1 GiB, 8 GiB), as a
/// fraction of the link's rate per direction: the size dependence of every collective on that tier. Large messages reach the
/// plateau the profile's link efficiency states; small ones pay NCCL's per-step latencies and protocol switches.
/// </summary>
public static class CollectiveMeasurements
{
    private static readonly double[] SizesMB = [0.032768, 1.048576, 8.388608, 67.108864, 268.435456, 1073.741824, 8589.934592];

    private static EfficiencyCurve Curve(double linkGBps, double[] busbw, double[]? sizesMB = null) =>
        EfficiencyCurve.Table([.. (sizesMB ?? SizesMB).Select((size, i) => new[] { size, busbw[i] / linkGBps })]);

    /// <summary>8 × A100 over NVLink 3 (300 GB/s): 1.31, 18.0, 109.9, 171.5, 194.1, 229.0, 234.6 GB/s (Bekman, network/benchmarks, nccl-tests).</summary>
    public static EfficiencyCurve A100Intra { get; } = Curve(300, [1.31, 18.0, 109.9, 171.5, 194.1, 229.0, 234.6]);

    /// <summary>
    /// 8 × H100/H200 over NVLink 4 (450 GB/s): the H200 sweep 1.44, 39.9, 155.5, 346.5, 436.2, 463.6, 477.5 GB/s (Bekman, SHARP on)
    /// scaled to the ring plateau all-gather and reduce-scatter reach, 367 of 480 (the shape of the NVLS sweep; an estimate).
    /// </summary>
    public static EfficiencyCurve HopperIntra { get; } = Curve(450 * 480 / 367.0, [1.44, 39.9, 155.5, 346.5, 436.2, 463.6, 477.5]);

    /// <summary>8 × B200 over NVLink 5 (900 GB/s): 1.20, 36.1, 126.5, 400.6, 646.1, 723.3, 839.1 GB/s (Bekman, P6-B200), scaled to the ring plateau 684 of 839 (an estimate).</summary>
    public static EfficiencyCurve BlackwellIntra { get; } = Curve(900 * 839.1 / 684, [1.20, 36.1, 126.5, 400.6, 646.1, 723.3, 839.1]);

    /// <summary>8 × MI300X over xGMI (448 GB/s aggregate): 1.13, 22.4, 131.6, 266.3, 302.8, 313.9, 316.8 GB/s (Azure ND_MI300X_v5, RCCL).</summary>
    public static EfficiencyCurve Mi300XIntra { get; } = Curve(448, [1.13, 22.4, 131.6, 266.3, 302.8, 313.9, 316.8]);

    /// <summary>
    /// Across nodes of 8 H100 with 8 × 400 Gb/s NICs (400 GB/s a node): NVLSTree all-reduce over 32 GPUs at 1 MB ≈ 15, 16 MB ≈ 125,
    /// 128 MB ≈ 280, 1 GB ≈ 350, 8 GB ≈ 370 GB/s (NVIDIA GTC24 S62129 slide 35, read off the figure). Other NVIDIA systems take
    /// the same shape to their own plateau (an estimate: no other size sweep across nodes is published).
    /// </summary>
    public static EfficiencyCurve InterNode { get; } = Curve(400, [15, 125, 280, 350, 370], [1, 16, 128, 1024, 8192]);
}
