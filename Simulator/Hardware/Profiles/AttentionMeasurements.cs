using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware.Profiles;

/// <summary>
/// Fused attention throughput under a causal mask, as a fraction of the bf16 dense peak, at sequence lengths 512 … 16k (1k …
/// 32k for Blackwell), read off the kernel papers' figures (hidden dimension 2048, batch 16k/seqlen). Forward FLOPs are 4·s²·d
/// per head halved for causality, backward 2.5 times that: the convention of the papers and of the cost model. Beyond the last
/// length the curve stays flat (the papers' curves change by 2 % or less from 8k to 16k).
/// </summary>
public static class AttentionMeasurements
{
    private static readonly double[] Sequences = [512, 1024, 2048, 4096, 8192, 16384];
    private static readonly double[] BlackwellSequences = [1024, 2048, 4096, 8192, 16384, 32768];

    private static AttentionCurve Curve(AttentionKernel kernel, int headDim, double peak, double[] forward, double[] backward, double[]? at = null) =>
        new(kernel, headDim, Table(at ?? Sequences, forward, peak), Table(at ?? Sequences, backward, peak));

    private static EfficiencyCurve Table(double[] sequences, double[] tflops, double peak) =>
        EfficiencyCurve.Table([.. sequences.Select((s, i) => new[] { s, tflops[i] / peak })]);

    /// <summary>
    /// A100 SXM (312 TFLOP/s): FlashAttention-2, Dao 2023 (arXiv 2307.08691) Fig. 5 (forward) and Fig. 6 (backward), causal.
    /// FlashAttention (v1) on the same GPU reaches "only 25-40% of the theoretical maximum FLOPs/s" where FlashAttention-2 reaches
    /// 50-73 % (Dao 2023, abstract and §1): no curve of it by length is published, so its curves are FlashAttention-2's times
    /// 0.55, the ratio of those ranges' midpoints (an estimate).
    /// </summary>
    public static IReadOnlyList<AttentionCurve> A100 { get; } =
    [
        Curve(AttentionKernel.Flash2, 128, 312, [132, 168, 187, 198, 200, 197], [90, 122, 145, 165, 176, 186]),
        Curve(AttentionKernel.Flash2, 64, 312, [115, 146, 167, 177, 181, 183], [81, 111, 131, 149, 160, 166]),
        Curve(AttentionKernel.Flash1, 128, 312 / 0.55, [132, 168, 187, 198, 200, 197], [90, 122, 145, 165, 176, 186]),
        Curve(AttentionKernel.Flash1, 64, 312 / 0.55, [115, 146, 167, 177, 181, 183], [81, 111, 131, 149, 160, 166]),
    ];

    /// <summary>
    /// H100 SXM (989 TFLOP/s), causal. FlashAttention-2 forward from Shah et al. 2024 (FlashAttention-3, arXiv 2407.08608) Fig. 5;
    /// its backward from Dao 2023 Fig. 7 (forward+backward, 163/221/265/294/308/328 at hd128 and 141/192/232/257/273/284 at hd64)
    /// with the forward taken out: 2.5 / (3.5/combined − 1/forward). FlashAttention-3 forward from Fig. 5; its backward is
    /// published non-causal only (FlashAttention-3 backward figure: 316/424/501/542/559/561 at hd128, 272/363/422/453/472/474 at
    /// hd64), scaled by each length's causal/non-causal forward ratio (an estimate).
    /// </summary>
    public static IReadOnlyList<AttentionCurve> H100 { get; } =
    [
        Curve(AttentionKernel.Flash2, 128, 989, [191, 260, 298, 319, 333, 335], [154, 208.5, 253.8, 285.1, 299.0, 325.3]),
        Curve(AttentionKernel.Flash2, 64, 989, [180, 229, 262, 284, 295, 299], [129.8, 180.3, 221.8, 247.6, 265.1, 278.4]),
        Curve(AttentionKernel.Flash3, 128, 989, [292, 423, 521, 579, 602, 616], [197.6, 317.5, 417.7, 492.0, 520.9, 533.3]),
        Curve(AttentionKernel.Flash3, 64, 989, [197, 265, 371, 420, 460, 473], [161.0, 245.4, 340.4, 399.7, 437.7, 451.1]),
    ];

    /// <summary>
    /// B200 (2,250 TFLOP/s), causal, hd128, from the FlashAttention-4 paper (arXiv 2603.05451) figures: FlashAttention-4 and, for
    /// comparison there, FlashAttention-2 (18 % of peak: FlashAttention-2 was never tuned for Blackwell).
    /// </summary>
    public static IReadOnlyList<AttentionCurve> B200 { get; } =
    [
        Curve(AttentionKernel.Flash4, 128, 2250, [744, 1053, 1279, 1426, 1526, 1576], [614, 887, 1102, 1284, 1402, 1446], BlackwellSequences),
        Curve(AttentionKernel.Flash2, 128, 2250, [292, 343, 375, 395, 404, 408], [208, 252, 295, 323, 341, 355], BlackwellSequences),
    ];
}
