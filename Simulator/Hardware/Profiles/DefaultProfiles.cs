using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware.Profiles;

/// <summary>
/// One efficiency profile per accelerator, used when no calibrated profile is given. Every number is a device-level fact
/// (datasheet, microbenchmark, kernel paper) or an estimate said to be one; none is fitted to training runs, and one profile
/// serves every run on its device. Sources: Bekman, "Machine Learning Engineering" (stas00/ml-engineering @744d01e, MAMF and
/// network tables); Azure/AI-benchmarking-guide @8fd0c6e (cuBLASLt sweeps, BabelStream, nccl-tests); NVIDIA GTC25 S72583
/// (nccl-tests bus bandwidth); NVIDIA/nccl @5067397 (src/graph/tuning.cc, transport/nvls.cc); the FlashAttention papers.
/// </summary>
public static class DefaultProfiles
{
    /// <summary>
    /// Shared by the NVIDIA data-centre GPUs unless a device says otherwise:
    /// sustained clock: kernels inside a training step run at about 0.8 of their isolated rate (Bekman's in-step measurement of
    /// FlashAttention-3 on H200 at 45 % of peak, where the isolated kernel reaches 57 % forward+backward at that shape), and the
    /// data-sheet peaks assume a boost clock a 400–700 W part cannot hold under dense tensor work (Bekman, power section); 0.90 of
    /// the microbenchmark rate is taken for whole training steps, the midpoint between that in-step evidence (≈ 0.8) and the
    /// microbenchmarks (1.0) — an estimate, the least certain number here, not fitted to any validation set;
    /// kernel overhead ≈ 3 µs (launch plus tail of a short kernel on the device);
    /// host: eager PyTorch issues ≈ 280,000 operators a second, 3.6 µs each (Horace He, "Making Deep Learning Go Brrrr From First
    /// Principles", 2022);
    /// reserved: CUDA context, cuBLAS and NCCL workspaces ≈ 1 GB.
    /// </summary>
    private static DeviceProfile Nvidia(string name, string source) => new()
    {
        Name = name,
        Source = source,
        Gemm = GemmMeasurements.A100,
        SustainedClockFraction = 0.90,
        MemoryByMegabyte = EfficiencyCurve.Saturating(0.79, 0.5),
        FusedAttentionEfficiency = 0.58,
        KernelOverheadSeconds = 3e-6,
        HostSecondsPerOperator = 3.6e-6,
        IntraNodeLinkEfficiency = 0.78,
        InterNodeLinkEfficiency = 0.96,
        IntraNodeBusBandwidth = CollectiveMeasurements.A100Intra,
        InterNodeBusBandwidth = CollectiveMeasurements.InterNode,
        OverlappedCommunicationCost = 0.10,
        ReservedMemoryGB = 1.0,
    };

    /// <summary>
    /// A100 SXM: GEMMs by size from cuBLASLt with random inputs (<see cref="GemmMeasurements.A100"/>), 108 SMs; memory-bound
    /// kernels stream at the BabelStream copy rate, 1.61 of 2.039 TB/s (0.79; Azure ND_A100_v4; single-pass element-wise and
    /// reduction kernels reach a stream copy's rate on large tensors, Dao-AILab/quack media/2025-07-10-membound-sol.md), half of
    /// it by 0.5 MB (launch and tail); FlashAttention curves from Dao 2023; NCCL all-reduce bus bandwidth 232–235 of 300 GB/s
    /// inside a DGX A100 (0.78, GTC25 and Bekman) and 192 of the 8 × 25 GB/s HDR NICs across nodes (0.96, GTC25 slide 12);
    /// NCCL's 8–16 ring channels take one SM each of 108 while they overlap compute (≈ 0.10).
    /// </summary>
    public static DeviceProfile A100(string name) => Nvidia(name, "catalog: A100 microbenchmarks (cuBLASLt sweep, MAMF, BabelStream, nccl-tests, FlashAttention-2 paper)") with
    {
        Tiling = Tiles(108, 128),
        Attention = AttentionMeasurements.A100,
    };

    /// <summary>
    /// H100 SXM: GEMMs from cuBLAS/cuBLASLt sweeps and MAMF (<see cref="GemmMeasurements.H100"/>), 132 SMs, K half-efficiency 256
    /// (DeepGEMM on H800 loses half its rate at K = 512 in fp8, whose K tiles are twice bf16's: an estimate); memory-bound kernels
    /// at the BabelStream copy rate, 2.90 of 3.35 TB/s (0.87, Azure ND_H100_v5); FlashAttention-2 and -3 curves;
    /// NCCL ring all-reduce 363–370 of 450 GB/s (0.82; NVLS all-reduce reaches 480 but all-gather and reduce-scatter stay on the
    /// ring at 361–363) and 370 of 8 × 50 GB/s NDR across nodes (0.925, GTC25); NVLS runs 16 channels of 132 SMs (0.12, nvls.cc).
    /// </summary>
    public static DeviceProfile H100(string name) => Nvidia(name, "catalog: H100 microbenchmarks (cuBLAS sweeps, MAMF, BabelStream, nccl-tests, FlashAttention-2/3 papers)") with
    {
        Gemm = GemmMeasurements.H100,
        Tiling = Tiles(132, 256),
        Attention = AttentionMeasurements.H100,
        MemoryByMegabyte = EfficiencyCurve.Saturating(0.87, 0.5),
        IntraNodeLinkEfficiency = 0.82,
        IntraNodeBusBandwidth = CollectiveMeasurements.HopperIntra,
        InterNodeLinkEfficiency = 0.925,
        OverlappedCommunicationCost = 0.12,
    };

    /// <summary>H100 PCIe: the same Hopper GPU with 114 SMs; no published GEMM, attention or NCCL sweeps (SXM figures, an estimate).</summary>
    public static DeviceProfile H100Pcie(string name) => H100(name) with { Source = "catalog: H100 SXM microbenchmarks (no PCIe sweeps published)", Tiling = Tiles(114, 256) };

    /// <summary>H200: H100's compute (Bekman: "H200 is the same" MAMF) with HBM3e; memory-bound kernels at the BabelStream copy rate, 4.01 of 4.8 TB/s (0.84, Azure ND_H200_v5).</summary>
    public static DeviceProfile H200(string name) => H100(name) with
    {
        Source = "catalog: H200 microbenchmarks (MAMF as H100, BabelStream, nccl-tests)",
        MemoryByMegabyte = EfficiencyCurve.Saturating(0.84, 0.5),
    };

    /// <summary>H800: H100 silicon with NVLink cut to 200 GB/s a direction, of which DeepEP measures ≈ 160 usable (0.8; deepseek-ai/DeepEP docs/legacy.md).</summary>
    public static DeviceProfile H800(string name) => H100(name) with
    {
        Source = "catalog: H100 microbenchmarks, NVLink from DeepEP's H800 measurements",
        IntraNodeLinkEfficiency = 0.80,
    };

    /// <summary>
    /// B200: GEMM curve from MAMF (<see cref="GemmMeasurements.B200"/>), 148 SMs; FlashAttention-4 curves; memory-bound kernels at
    /// H100's 0.87 of HBM (no B200 stream measurement is published: an estimate); NCCL ring all-reduce 673–700 of 900 GB/s (0.76,
    /// Bekman and GTC25); across nodes H100's 0.925 of the 400 Gb/s NICs (an estimate); NVLS 24 channels of 148 SMs (0.16).
    /// </summary>
    public static DeviceProfile B200(string name) => Nvidia(name, "catalog: B200 microbenchmarks (MAMF, FlashAttention-4 paper, nccl-tests)") with
    {
        Gemm = GemmMeasurements.B200,
        Tiling = Tiles(148, 256),
        Attention = AttentionMeasurements.B200,
        MemoryByMegabyte = EfficiencyCurve.Saturating(0.87, 0.5),
        IntraNodeLinkEfficiency = 0.76,
        IntraNodeBusBandwidth = CollectiveMeasurements.BlackwellIntra,
        InterNodeLinkEfficiency = 0.925,
        OverlappedCommunicationCost = 0.16,
    };

    /// <summary>GB200: a B200 at 2,500 TFLOP/s (MAMF 72.9 %, Bekman) in a 72-GPU NVLink domain; NCCL all-reduce 680 of 900 GB/s over 32 GPUs of it (0.76, GTC25).</summary>
    public static DeviceProfile Gb200(string name) => B200(name) with { Source = "catalog: GB200 microbenchmarks (MAMF, nccl-tests); kernels as B200" };

    /// <summary>L4 (Ada): no sweeps in the sources; A100's curves are used (an estimate) with its 58 SMs.</summary>
    public static DeviceProfile L4(string name) => A100(name) with { Source = "catalog: A100 microbenchmarks applied to L4 (no L4 sweeps published)", Tiling = Tiles(58, 128) };

    /// <summary>
    /// MI300X: GEMMs from hipBLASLt sweeps (<see cref="GemmMeasurements.Mi300X"/>), 304 CUs; no attention sweep is published, only
    /// FlashAttention-2 (CK) at 328.6 TFLOP/s, 0.25 of peak, at hd64 and 8k (Azure ND_MI300X_v5), used for every length;
    /// memory-bound kernels at the BabelStream copy rate, 4.11 of 5.3 TB/s (0.78, Azure ND_MI300X_v5); RCCL all-reduce 313–317 of the
    /// 448 GB/s xGMI aggregate (0.71); across nodes no reference NIC is specified (0.90, an estimate).
    /// </summary>
    public static DeviceProfile Mi300X(string name) => Nvidia(name, "catalog: MI300X microbenchmarks (hipBLASLt sweeps, BabelStream, RCCL tests)") with
    {
        Gemm = GemmMeasurements.Mi300X,
        Tiling = Tiles(304, 256),
        FusedAttentionEfficiency = 0.25,
        MemoryByMegabyte = EfficiencyCurve.Saturating(0.78, 0.5),
        IntraNodeLinkEfficiency = 0.71,
        IntraNodeBusBandwidth = CollectiveMeasurements.Mi300XIntra,
        InterNodeLinkEfficiency = 0.90,
    };

    /// <summary>
    /// Google TPUs: no public matmul, attention or HBM sweeps; XLA reaches ≈ 0.6 MFU-level matmul efficiency on large models
    /// (Chowdhery et al. 2022, PaLM §4: 57.8 % HFU on v4), taken as the GEMM ceiling; an all-gather reaches ≈ 82 % of the ICI link
    /// rate on v5e (jax-ml/scaling-book sharding.md); the data-centre network between pods 0.80 (an estimate). No Python dispatch
    /// per operator (the step is one compiled XLA program).
    /// </summary>
    public static DeviceProfile Tpu(string name) => Nvidia(name, "catalog: PaLM on TPU v4 (Chowdhery et al. 2022), Cloud TPU docs, scaling-book ICI measurements") with
    {
        Gemm = [new GemmCurve(Precision.Bf16, EfficiencyCurve.Saturating(0.85, 0.5))],
        SustainedClockFraction = 0.90,
        FusedAttentionEfficiency = 0.50,
        HostSecondsPerOperator = 0,
        IntraNodeLinkEfficiency = 0.82,
        InterNodeLinkEfficiency = 0.80,
        IntraNodeBusBandwidth = null,
        InterNodeBusBandwidth = null,
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
        SustainedClockFraction = 0.90,
        MemoryByMegabyte = EfficiencyCurve.Saturating(0.70, 0.05),
        FusedAttentionEfficiency = 0.30,
        KernelOverheadSeconds = 10e-6,
        IntraNodeLinkEfficiency = 0.50,
        InterNodeLinkEfficiency = 0.50,
        OverlappedCommunicationCost = 0.5,   // MPI progress competes for the same two cores
        ReservedMemoryGB = 0.5,
    };

    /// <summary>
    /// Output tiles cuBLAS/hipBLASLt choose among (CUTLASS's default threadblock shapes, 64–256 rows and columns) on a GPU with
    /// <paramref name="units"/> multiprocessors; <paramref name="kHalf"/> as each device says.
    /// </summary>
    private static GemmTiling Tiles(int units, double kHalf) =>
        new(units, [[256, 128], [128, 256], [128, 128], [128, 64], [64, 128], [64, 64]], kHalf);
}
