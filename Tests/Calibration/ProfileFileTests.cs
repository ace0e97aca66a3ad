using ScalePlanner.Reports;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Calibration;

public class ProfileFileTests
{
    /// <summary>A small calibrated profile other calibration tests start from.</summary>
    internal static readonly DeviceProfile Calibrated = AcceleratorCatalog.Get("cpu").DefaultProfile with
    {
        Name = "calibrated test",
        PeakTflops = [new PeakOverride(Precision.Fp32, 0.2)],
        MemoryTBps = 0.03,
        Gemm = [new GemmCurve(Precision.Fp32, EfficiencyCurve.Table([[0.001, 0.2], [0.1, 0.7], [5, 1.0]]))],
        MemoryKernels = [new MemoryKernelCurve(MemoryKernel.Softmax, EfficiencyCurve.Saturating(0.4, 0.5))],
        IntraNodeLink = new LinkSpec(7.5, 2e-7),
        Validation = [new ValidationPoint("block", 0.061, 0.070)],
    };

    internal static readonly CalibrationRecord Record = new(
        new DeviceInfo("cpu", "test CPU", 2, 2, "0.107.0", "2.10.0", "Linux", "2026-11-23T00:00:00Z"),
        [new GemmMeasurement(Precision.Fp32, 64, 64, 64, 1, new TimingStats(1e-5, 9e-6, 1.1e-5, 5))],
        [new MemoryMeasurement(MemoryKernel.Copy, "copy", 1 << 20, new TimingStats(1e-4, 9e-5, 1.1e-4, 5))],
        [new CollectiveMeasurement("AllReduce", 4096, 2, new TimingStats(2e-6, 1e-6, 3e-6, 5))],
        [new CurveFit("matmul fp32", "saturating", new Dictionary<string, double> { ["peakTflops"] = 0.2 }, 5, 6)], Quick: true);

    [Fact]
    public void Should_Round_Trip_A_Calibrated_Profile_Through_Its_File()
    {
        string json = ProfileFile.Serialize(Calibrated, Record);
        var back = DeviceProfileJson.Deserialize(json, "test");
        Assert.Equal(DeviceProfileJson.Serialize(Calibrated), DeviceProfileJson.Serialize(back));
        Assert.Equal(0.2e12, back.PeakFlops(AcceleratorCatalog.Get("cpu"), Precision.Fp32));
        Assert.Equal(-12.857, back.Validation![0].ErrorPercent, 2);
        Assert.Contains("\"calibration\"", json);
        Assert.Contains("\"validation\"", json);
        Assert.Contains("\"errorPercent\"", json);
    }

    [Fact]
    public void Should_Time_Kernels_With_The_Measured_Peak_And_Curves()
    {
        var job = ScalePlanner.Tests.Simulator.Jobs.Of("gpt2-small", "cpu", 1, 8, flash: false);
        var layout = ScalePlanner.Simulator.Layouts.Layout.Parse("precision=fp32,mb=1,dp=1");
        double Step(DeviceProfile p) => CostModel.Evaluate(job with { Cluster = job.Cluster with { DevicesPerNode = 1 } }, layout, p).Time.Compute;
        var faster = Calibrated with { PeakTflops = [new PeakOverride(Precision.Fp32, 0.4)], MemoryTBps = 0.06 };
        Assert.Equal(Step(Calibrated) / 2, Step(faster), Step(Calibrated) * 0.01);
    }
}
