using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware.Profiles;

/// <summary>
/// Matrix-multiply efficiency by size (GFLOP of one product), measured on square products with random inputs, as a fraction of
/// the data-sheet peak; the largest sizes end at the maximum achievable matmul rate (MAMF) of the device. Tile and wave
/// quantization of other shapes is <see cref="GemmTiling"/>'s, relative to the square product of the same size.
/// </summary>
public static class GemmMeasurements
{
    /// <summary>Square product M=N=K=n: 2n³ FLOP, in GFLOP.</summary>
    private static double Cube(double n) => 2 * n * n * n * 1e-9;

    private static GemmCurve Curve(Precision precision, double peakTflops, params (double Side, double Tflops)[] points) =>
        new(precision, EfficiencyCurve.Table([.. points.Select(p => new[] { Cube(p.Side), p.Tflops / peakTflops })]));

    /// <summary>
    /// A100 SXM 80 GB, fp16 cuBLASLt with random inputs (Azure/AI-benchmarking-guide, Azure_Results/ND_A100_v4_results.md @8fd0c6e):
    /// 119.4, 221.8, 228.0, 253.7, 256.5 TFLOP/s at 1k³ … 16k³; bf16 runs at the fp16 rate. The ceiling is Bekman's MAMF, 271.2 of
    /// 312 (stas00/ml-engineering compute/accelerator/README.md @744d01e), at the best of thousands of shapes.
    /// </summary>
    public static IReadOnlyList<GemmCurve> A100 { get; } =
    [
        Curve(Precision.Bf16, 312, (1024, 119.4), (2048, 221.8), (4096, 228.0), (8192, 253.7), (16384, 256.5), (32768, 271.2)),
        Curve(Precision.Fp16, 312, (1024, 119.4), (2048, 221.8), (4096, 228.0), (8192, 253.7), (16384, 256.5), (32768, 271.2)),
        // tf32 and fp32 from NVIDIA's cuBLAS plot ("CUDA 11 Features Revealed", Fig. 6): tf32 ≈ 37 at 1k, 84 at 2k, 124 at 4k, 134 at 8k of 156; fp32 SGEMM ≈ 14 at 1k, 17 beyond 2k of 19.5.
        Curve(Precision.Tf32, 156, (1024, 37), (2048, 84), (4096, 124), (8192, 134)),
        Curve(Precision.Fp32, 19.5, (1024, 14), (2048, 17), (8192, 17.5)),
    ];

    /// <summary>
    /// H100 SXM: bf16 from cuBLAS fp16 tensor-core GEMMs (waynehacking8/blackwell-tensorcore-kernels results/bench_sm90a.csv
    /// @fd74d2a): 540.9, 726.4, 749.9 TFLOP/s at 2k³, 4k³, 8k³, ending at Bekman's MAMF 794.5; at 1k³ no bf16 figure is published
    /// and 0.21 of peak is an estimate (A100 bf16 loses 0.54× from 2k³ to 1k³, H100 fp8 0.27×; their geometric mean). fp8 from
    /// cuBLASLt with random inputs (Azure ND_H100_v5_results.md): 274.1, 1011.3, 1216.9, 1290.1, 1377.3, 1382.2 at 1k³ … 32k³.
    /// tf32 and fp32 from the same cuBLAS sweep: 318.9, 399.4, 412.0 of 494.5 and 21.8, 45.7, 50.5 of 67.
    /// </summary>
    public static IReadOnlyList<GemmCurve> H100 { get; } =
    [
        Curve(Precision.Bf16, 989, (1024, 208), (2048, 540.9), (4096, 726.4), (8192, 749.9), (16384, 794.5)),
        Curve(Precision.Fp16, 989, (1024, 208), (2048, 540.9), (4096, 726.4), (8192, 749.9), (16384, 794.5)),
        Curve(Precision.Fp8, 1979, (1024, 274.1), (2048, 1011.3), (4096, 1216.9), (8192, 1290.1), (16384, 1377.3), (32768, 1402.6)),
        Curve(Precision.Tf32, 494.5, (2048, 318.9), (4096, 399.4), (8192, 412.0)),
        Curve(Precision.Fp32, 67, (2048, 21.8), (4096, 45.7), (8192, 50.5)),
    ];

    /// <summary>
    /// B200: only the MAMF is published (1745.0 of 2250 bf16, 3432.5 of 4500 fp8; Bekman). The size curve is H100's shifted to
    /// twice the size (148 SMs doing twice Hopper's work per clock fill a wave with twice the FLOPs) and scaled to B200's MAMF:
    /// an estimate. fp8 from GB200 cuBLASLt with random inputs (Azure ND_GB200_v6_results.md @154d35c: 349.4, 1676.1, 2802.7,
    /// 2848.0, 2929.0, 2973.3 of 5000), the same silicon, ending at B200's MAMF.
    /// </summary>
    public static IReadOnlyList<GemmCurve> B200 { get; } =
    [
        Curve(Precision.Bf16, 2250, (1290, 208 / 989.0 * 2250 * 0.776 / 0.803), (2580, 540.9 / 989.0 * 2250 * 0.776 / 0.803),
            (5161, 726.4 / 989.0 * 2250 * 0.776 / 0.803), (10321, 749.9 / 989.0 * 2250 * 0.776 / 0.803), (20643, 1745.0)),
        Curve(Precision.Fp8, 5000, (1024, 349.4), (2048, 1676.1), (4096, 2802.7), (8192, 2848.0), (16384, 2929.0), (32768, 3432.5 / 4500 * 5000)),
    ];

    /// <summary>
    /// MI300X: bf16 from MI325X (same CDNA3 die at 1000 W) PyTorch/hipBLASLt square sweep (HazyResearch/HipKittens
    /// analysis/bf16_gemm/mi325x plot @f09e968: 79, 325, 753, 785, 750 of 1307 at 1k³ … 16k³), scaled by the MAMF ratio of the
    /// 750 W part to the 1000 W one (708/843, AMD ROCm blog "Measuring Max-Achievable FLOPs – Part 2"); fp8 from hipBLASLt with
    /// random inputs (Azure ND_MI300X_v5_results.md: 53.1, 427.7, 955.2, 1159.2, 1015.1 of 2615).
    /// </summary>
    public static IReadOnlyList<GemmCurve> Mi300X { get; } =
    [
        Curve(Precision.Bf16, 1307 * 843.0 / 708, (1024, 79), (2048, 325), (4096, 753), (8192, 785), (16384, 750)),
        Curve(Precision.Fp8, 2615, (1024, 53.1), (2048, 427.7), (4096, 955.2), (8192, 1159.2), (16384, 1015.1)),
    ];
}
