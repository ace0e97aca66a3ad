using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware;

/// <summary>
/// Efficiency profiles used when no calibrated profile is given. Each number is a microbenchmark-level fact, not a fit to
/// training runs; the same profile serves every layout on that device.
/// </summary>
public static class DefaultProfiles
{
    /// <summary>
    /// NVIDIA data-centre GPUs, from A100 microbenchmarks:
    /// GEMM: the maximum achievable bf16 matmul throughput of an A100 SXM is 267.9 of 312 TFLOP/s = 0.86 (Bekman, "Machine
    /// Learning Engineering", MAMF table, CUDA 12.1), reached on GEMMs of hundreds of GFLOP; half of it near 0.25 GFLOP, where
    /// tile and wave quantisation dominate;
    /// sustained clock: an A100 cannot hold its 1,410 MHz boost at its 400 W limit under dense tensor work; NVIDIA rates its
    /// HPL peak at the 1,305 MHz it sustains at the power limit (0.93, see glennklockwood.com "peak FLOPS"), and half-precision
    /// tensor GEMMs draw more power, so 0.85 is taken for whole training steps (an estimate, the least certain number here);
    /// memory: framework element-wise, softmax, dropout and normalisation kernels move data at ≈ 0.70 of HBM bandwidth, below
    /// the ≈ 0.9 of a tuned stream copy (Ivanov et al., MLSys 2021, "Data Movement Is All You Need", operator measurements);
    /// fused attention: FlashAttention-2 forward at ≈ 0.58 of peak at sequence 2k, head dim 128 (Dao 2023, Fig. 6);
    /// kernel overhead ≈ 3 µs (launch plus tail of a short kernel);
    /// links: NCCL all-reduce bus bandwidth ≈ 0.78 of NVLink (≈ 235 of 300 GB/s on DGX A100) and ≈ 0.90 of InfiniBand HDR
    /// (nccl-tests figures published for DGX A100 SuperPOD);
    /// overlapped communication: NCCL runs 8–16 channels of one SM each on a 108-SM A100 (NCCL defaults), ≈ 0.1 of the compute
    /// it overlaps with;
    /// reserved: CUDA context, cuBLAS and NCCL workspaces ≈ 1 GB.
    /// </summary>
    public static DeviceProfile NvidiaGpu(string name) => new()
    {
        Name = name,
        Source = "catalog default: A100 microbenchmarks (cuBLAS GEMM, BabelStream, nccl-tests, FlashAttention-2)",
        Gemm =
        [
            new GemmCurve(Precision.Fp16, EfficiencyCurve.Saturating(0.86, 0.25)),
            new GemmCurve(Precision.Bf16, EfficiencyCurve.Saturating(0.86, 0.25)),
            new GemmCurve(Precision.Fp8, EfficiencyCurve.Saturating(0.70, 0.5)),   // FP8 GEMMs reach ≈ 0.7 of peak on H100 (NVIDIA Transformer Engine benchmarks)
            new GemmCurve(Precision.Tf32, EfficiencyCurve.Saturating(0.75, 0.25)),
            new GemmCurve(Precision.Fp32, EfficiencyCurve.Saturating(0.90, 0.05)),  // SIMT SGEMM is compute-bound early
        ],
        SustainedClockFraction = 0.85,
        MemoryByMegabyte = EfficiencyCurve.Saturating(0.70, 0.5),
        FusedAttentionEfficiency = 0.58,
        KernelOverheadSeconds = 3e-6,
        IntraNodeLinkEfficiency = 0.78,
        InterNodeLinkEfficiency = 0.90,
        OverlappedCommunicationCost = 0.10,
        ReservedMemoryGB = 1.0,
    };

    /// <summary>AMD MI300X: hipBLASLt bf16 GEMMs reach ≈ 0.6 of dense peak (AMD ROCm performance docs, MI300X GEMM tuning); RCCL ≈ 0.6 of xGMI.</summary>
    public static DeviceProfile AmdGpu(string name) => NvidiaGpu(name) with
    {
        Source = "catalog default: MI300X hipBLASLt and RCCL published figures",
        Gemm =
        [
            new GemmCurve(Precision.Bf16, EfficiencyCurve.Saturating(0.60, 0.5)),
            new GemmCurve(Precision.Fp8, EfficiencyCurve.Saturating(0.50, 0.5)),
            new GemmCurve(Precision.Fp32, EfficiencyCurve.Saturating(0.80, 0.05)),
        ],
        FusedAttentionEfficiency = 0.40,
        IntraNodeLinkEfficiency = 0.60,
    };

    /// <summary>Google TPUs: XLA reaches ≈ 0.6 MFU-level matmul efficiency on large models (Chowdhery et al. 2022, PaLM §4: 57.8 % HFU on v4).</summary>
    public static DeviceProfile Tpu(string name) => NvidiaGpu(name) with
    {
        Source = "catalog default: PaLM on TPU v4 (Chowdhery et al. 2022) and Cloud TPU documentation",
        Gemm = [new GemmCurve(Precision.Bf16, EfficiencyCurve.Saturating(0.85, 0.5))],
        FusedAttentionEfficiency = 0.50,
        IntraNodeLinkEfficiency = 0.80,
        InterNodeLinkEfficiency = 0.80,
        ReservedMemoryGB = 0.5,
    };

    /// <summary>An uncalibrated CPU: oneDNN/MKL SGEMM reaches ≈ 0.7 of FMA peak on large shapes; run `scaleplan calibrate` for real numbers.</summary>
    public static DeviceProfile Cpu(string name) => new()
    {
        Name = name,
        Source = "catalog default, uncalibrated: run `scaleplan calibrate` on this machine",
        Gemm =
        [
            new GemmCurve(Precision.Fp32, EfficiencyCurve.Saturating(0.70, 0.01)),
            new GemmCurve(Precision.Bf16, EfficiencyCurve.Saturating(0.35, 0.01)),
        ],
        SustainedClockFraction = 1.0,
        MemoryByMegabyte = EfficiencyCurve.Saturating(0.70, 0.05),
        FusedAttentionEfficiency = 0.30,
        KernelOverheadSeconds = 10e-6,
        IntraNodeLinkEfficiency = 0.50,
        InterNodeLinkEfficiency = 0.50,
        OverlappedCommunicationCost = 0.5,   // MPI progress competes for the same two cores
        ReservedMemoryGB = 0.5,
    };
}
