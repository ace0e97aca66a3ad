using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Calibration;

/// <summary>
/// Memory-bound kernels are calibrated per precision, and a bf16 step is priced from the bf16 curves: on a CPU a bf16 tensor
/// streams more slowly than its halved bytes suggest, which fp32 curves alone would miss (the bf16 step was predicted 40–52 %
/// too fast). Profiles written before curves carried a precision keep working.
/// </summary>
public class PrecisionMemoryCurveTests
{
    private static readonly EfficiencyCurve Fast = EfficiencyCurve.Saturating(0.9, 0), Slow = EfficiencyCurve.Saturating(0.2, 0);

    private static DeviceProfile Profile(params MemoryKernelCurve[] curves) => AcceleratorCatalog.Get("cpu").DefaultProfile with { MemoryKernels = curves };

    [Fact]
    public void Should_Price_A_bf16_Kernel_From_The_bf16_Curve_And_An_fp32_Kernel_From_The_fp32_One()
    {
        var profile = Profile(new MemoryKernelCurve(MemoryKernel.Elementwise, Fast, Precision.Fp32), new MemoryKernelCurve(MemoryKernel.Elementwise, Slow, Precision.Bf16));
        var cpu = AcceleratorCatalog.Get("cpu");
        double fp32 = KernelTimer.For(cpu, Precision.Fp32, profile).Memory(1e8, kernels: 0), bf16 = KernelTimer.For(cpu, Precision.Bf16, profile).Memory(1e8, kernels: 0);   // streaming only, no per-kernel overhead
        Assert.Equal(0.9 / 0.2, bf16 / fp32, 6);   // same bytes, the bf16 curve's efficiency
    }

    [Fact]
    public void Should_Fall_Back_To_The_fp32_Curve_For_A_Precision_Without_Its_Own_And_To_A_Curve_For_Every_Precision_First()
    {
        Assert.Same(Fast, Profile(new MemoryKernelCurve(MemoryKernel.Softmax, Fast, Precision.Fp32)).MemoryCurve(MemoryKernel.Softmax, Precision.Fp16));
        Assert.Same(Slow, Profile(new MemoryKernelCurve(MemoryKernel.Softmax, Fast, Precision.Fp32), new MemoryKernelCurve(MemoryKernel.Softmax, Slow))
            .MemoryCurve(MemoryKernel.Softmax, Precision.Bf16));
        // A backward class without a curve takes its forward class's in the same precision.
        Assert.Same(Slow, Profile(new MemoryKernelCurve(MemoryKernel.Activation, Fast, Precision.Fp32), new MemoryKernelCurve(MemoryKernel.Activation, Slow, Precision.Bf16))
            .MemoryCurve(MemoryKernel.ActivationBackward, Precision.Bf16));
    }

    [Fact]
    public void Should_Keep_The_Precision_Of_Each_Curve_Through_The_Profile_File_And_Read_Files_Without_It()
    {
        var profile = Profile(new MemoryKernelCurve(MemoryKernel.Copy, Fast, Precision.Fp32), new MemoryKernelCurve(MemoryKernel.Copy, Slow, Precision.Bf16));
        string json = DeviceProfileJson.Serialize(profile);
        var read = DeviceProfileJson.Deserialize(json, "round trip");
        Assert.Equal([Precision.Fp32, Precision.Bf16], read.MemoryKernels!.Select(c => c.Precision));
        string old = DeviceProfileJson.Serialize(Profile(new MemoryKernelCurve(MemoryKernel.Copy, Slow))).Replace("\"precision\": null", "\"unused\": null", StringComparison.Ordinal);
        var before = DeviceProfileJson.Deserialize(old.Replace(",\n      \"unused\": null", "", StringComparison.Ordinal), "a profile from before");
        Assert.Null(Assert.Single(before.MemoryKernels!).Precision);
        Assert.Equal(Slow.Max, before.MemoryCurve(MemoryKernel.Copy, Precision.Bf16).Max);
    }
}
