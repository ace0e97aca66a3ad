using ScalePlanner.Simulator.Hardware.Profiles;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware;

/// <summary>
/// Data-sheet accelerators. Peaks are dense (no 2:4 sparsity). Link bandwidths are per device and per direction.
/// Prices follow one basis, <see cref="PriceBasis"/>; override with cluster.pricePerDeviceHour.
/// </summary>
public static class AcceleratorCatalog
{
    /// <summary>
    /// The one kind of price in the catalog: a hyperscaler's on-demand (pay-as-you-go) list price in a US East region, Linux, per
    /// instance-hour of its 8-device instance divided by 8 (per chip-hour for TPUs). AWS EC2 us-east-1 where AWS sells the device;
    /// Azure East US for MI300X and Google Cloud us-central1 for TPUs, which AWS does not sell. A device no hyperscaler lists on
    /// demand (H100 PCIe, H800, GB200) has no catalog price; `cpu`, this machine, has a nominal one. AWS figures as its price list reported them in November 2026
    /// (unchanged since its June 2025 reduction for P4 and P5).
    /// </summary>
    public const string PriceBasis = "on-demand list price per device-hour, US East, Linux: AWS EC2 us-east-1 (8-GPU instance ÷ 8); Azure East US for MI300X; Google Cloud us-central1 for TPUs";

    /// <summary>When the catalog's prices were read.</summary>
    public const string PriceDate = "2026-11";

    private static Dictionary<Precision, double> Peaks(double fp32, double tf32, double fp16, double bf16, double fp8) => new()
    {
        [Precision.Fp32] = fp32, [Precision.Tf32] = tf32, [Precision.Fp16] = fp16, [Precision.Bf16] = bf16, [Precision.Fp8] = fp8,
    };

    private static AcceleratorSpec Make(string key, string name, Dictionary<Precision, double> peaks, double memGB, double memTBps,
        int perNode, LinkSpec intra, LinkSpec inter, double price, string source, Func<string, DeviceProfile> profile) => new()
    {
        Key = key, DisplayName = name, PeakTflops = peaks, MemoryGB = memGB, MemoryTBps = memTBps, DefaultDevicesPerNode = perNode,
        IntraNode = intra, InterNode = inter, PricePerHour = price, Source = source, DefaultProfile = profile(key),
    };

    // NVLink/NVSwitch and InfiniBand per-hop latencies of a few microseconds (NCCL tuning model, nccl/src/graph/tuning.cc base latencies).
    private static LinkSpec NvLink(double gbps) => new(gbps, 2e-6);
    private static LinkSpec Network(double gbps) => new(gbps, 5e-6);

    public static readonly IReadOnlyDictionary<string, AcceleratorSpec> All = new[]
    {
        // A100 datasheet (NVIDIA 2021): 19.5 fp32, 156 tf32, 312 fp16/bf16; NVLink 3 600 GB/s bidirectional; DGX A100: 8 × HDR 200 Gb/s.
        Make("a100-sxm-40gb", "NVIDIA A100 SXM4 40GB", Peaks(19.5, 156, 312, 312, 0), 40, 1.555, 8, NvLink(300), Network(25), 2.7447,
            "NVIDIA A100 datasheet; price: AWS p4d.24xlarge $21.957642/h ÷ 8", DefaultProfiles.A100),
        Make("a100-sxm-80gb", "NVIDIA A100 SXM4 80GB", Peaks(19.5, 156, 312, 312, 0), 80, 2.039, 8, NvLink(300), Network(25), 3.4309,
            "NVIDIA A100 datasheet; price: AWS p4de.24xlarge $27.44705/h ÷ 8", DefaultProfiles.A100),
        // H100 datasheet (NVIDIA 2023): SXM 67 fp32, 494.7 tf32, 989.4 fp16/bf16, 1978.9 fp8; NVLink 4 900 GB/s bidirectional; NDR 400 Gb/s per GPU.
        Make("h100-sxm", "NVIDIA H100 SXM5 80GB", Peaks(67, 494.7, 989.4, 989.4, 1978.9), 80, 3.35, 8, NvLink(450), Network(50), 6.88,
            "NVIDIA H100 datasheet; price: AWS p5.48xlarge $55.04/h ÷ 8", DefaultProfiles.H100),
        // H100 PCIe: 51 fp32, 378 tf32, 756 fp16/bf16, 1513 fp8; PCIe Gen5 x16 64 GB/s per direction; 200 Gb/s network.
        Make("h100-pcie", "NVIDIA H100 PCIe 80GB", Peaks(51, 378, 756, 756, 1513), 80, 2.0, 8, new LinkSpec(64, 5e-6), Network(25), 0,
            "NVIDIA H100 datasheet; no price: no hyperscaler lists it on demand", DefaultProfiles.H100Pcie),
        // H200: H100 SXM compute with 141 GB HBM3e at 4.8 TB/s (NVIDIA H200 datasheet).
        Make("h200", "NVIDIA H200 SXM 141GB", Peaks(67, 494.7, 989.4, 989.4, 1978.9), 141, 4.8, 8, NvLink(450), Network(50), 7.912,
            "NVIDIA H200 datasheet; price: AWS p5en.48xlarge $63.296/h ÷ 8", DefaultProfiles.H200),
        // B200 (HGX B200 datasheet, dense = half the sparse figures): 2.25 PF fp16/bf16, 4.5 PF fp8, 1.1 PF tf32; 180 GB at 8 TB/s; NVLink 5 1.8 TB/s bidirectional.
        Make("b200", "NVIDIA B200 180GB", Peaks(75, 1100, 2250, 2250, 4500), 180, 8.0, 8, NvLink(900), Network(50), 14.2416,
            "NVIDIA HGX B200 datasheet; price: AWS p6-b200.48xlarge $113.9328/h ÷ 8", DefaultProfiles.B200),
        // GB200 NVL72 (per Blackwell GPU, Bekman's spec table citing NVIDIA): 2.5 PF bf16, 5 PF fp8, 1.25 PF tf32 dense; 186 GB at 8 TB/s;
        // all 72 GPUs in one NVLink 5 domain at 900 GB/s per direction; one 400 Gb/s ConnectX-7 per GPU (DGX GB200 user guide). No catalog price yet.
        Make("gb200", "NVIDIA GB200 (NVL72)", Peaks(80, 1250, 2500, 2500, 5000), 186, 8.0, 72, NvLink(900), Network(50), 0,
            "NVIDIA GB200 NVL72 specifications; no price: AWS sells P6e-GB200 through capacity blocks only", DefaultProfiles.Gb200),
        // H800 SXM: H100 SXM compute and memory with NVLink cut to 400 GB/s bidirectional (200 per direction; DeepEP docs); CX7 400 Gb/s per GPU.
        Make("h800", "NVIDIA H800 SXM5 80GB", Peaks(67, 494.7, 989.4, 989.4, 1978.9), 80, 3.35, 8, NvLink(200), Network(50), 0,
            "H100 datasheet with H800's NVLink (DeepEP measurements); no price: no hyperscaler lists it on demand", DefaultProfiles.H800),
        // MI300X datasheet (AMD 2023): 163.4 fp32, 653.7 tf32, 1307.4 fp16/bf16, 2614.9 fp8; 192 GB HBM3 at 5.3 TB/s; xGMI 896 GB/s aggregate bidirectional.
        Make("mi300x", "AMD Instinct MI300X 192GB", Peaks(163.4, 653.7, 1307.4, 1307.4, 2614.9), 192, 5.3, 8, NvLink(448), Network(50), 6.00,
            "AMD Instinct MI300X datasheet; price: Azure Standard_ND96isr_MI300X_v5 $48.00/h ÷ 8 (AWS does not sell it)", DefaultProfiles.Mi300X),
        // Cloud TPU system architecture docs: v4 275 bf16, 32 GiB at 1.2 TB/s, ICI 2,400 Gb/s; v5e 197, 16 GB at 819 GB/s, ICI 1,600 Gb/s;
        // v5p 459, 95 GB at 2.77 TB/s, ICI 4,800 Gb/s. A "node" is an ICI-connected pod (4,096 / 256 / 8,960 chips); pods talk over the data-centre network.
        Make("tpu-v4", "Google TPU v4", Peaks(0, 0, 0, 275, 0), 34.4, 1.2, 4096, new LinkSpec(150, 5e-6), Network(3.125), 3.22,
            "Cloud TPU v4 docs; price: Google Cloud TPU on-demand per chip-hour, us-central", DefaultProfiles.Tpu),
        Make("tpu-v5e", "Google TPU v5e", Peaks(0, 0, 0, 197, 0), 16, 0.819, 256, new LinkSpec(100, 5e-6), Network(3.125), 1.20,
            "Cloud TPU v5e docs; price: Google Cloud TPU on-demand per chip-hour, us-central", DefaultProfiles.Tpu),
        Make("tpu-v5p", "Google TPU v5p", Peaks(0, 0, 0, 459, 0), 95, 2.765, 8960, new LinkSpec(300, 5e-6), Network(6.25), 4.20,
            "Cloud TPU v5p docs; price: Google Cloud TPU on-demand per chip-hour, us-central", DefaultProfiles.Tpu),
        // L4 datasheet: 30.3 fp32, 60 tf32, 121 fp16/bf16, 242.5 fp8; 24 GB GDDR6 at 300 GB/s; PCIe Gen4 x16; 100 Gb/s network.
        Make("l4", "NVIDIA L4 24GB", Peaks(30.3, 60, 121, 121, 242.5), 24, 0.3, 8, new LinkSpec(25, 5e-6), Network(12.5), 1.6688,
            "NVIDIA L4 datasheet; price: AWS g6.48xlarge $13.3504/h ÷ 8", DefaultProfiles.L4),
        // This machine's processor, uncalibrated: 2 cores × 2.5 GHz × 32 fp32 FLOP/cycle (two AVX2 FMA ports); bf16 without AMX and fp16 without AVX512-FP16 run through fp32 units (LibTorch widens them), so both get the fp32 figure.
        // Memory: 24 GiB at ≈ 20 GB/s; "links" are shared memory between MPI processes (≈ 5 GB/s) and 10 GbE.
        Make("cpu", "this machine's CPU (uncalibrated)", Peaks(0.16, 0, 0.16, 0.16, 0), 24, 0.02, 1, new LinkSpec(5, 1e-6), new LinkSpec(1.25, 50e-6), 0.10,
            "nominal AVX2 figures; `scaleplan calibrate` measures the real ones; price: a nominal $0.10/h for this machine, not a list price", DefaultProfiles.Cpu),
    }.ToDictionary(a => a.Key);

    public static AcceleratorSpec Get(string key) =>
        All.TryGetValue(key, out var spec)
            ? spec
            : throw new SpecException("cluster.accelerator", $"unknown accelerator '{key}'; allowed: {string.Join(' ', All.Keys)}");
}
