using ScalePlanner.Reports.Bundles;
using ScalePlanner.Reports.Html;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Reports;

/// <summary>
/// `calibrate --out DIR` without an hour of microruns: a record whose medians follow the profile's curves exactly, so the
/// fitted curves drawn must pass through the measured points at the ends of each sweep.
/// </summary>
public class CalibrationReportTests
{
    /// <summary>
    /// The fitted grid's ends are 10^(log10 x) of the measured sizes, equal to them within a few ulps, and the collective's
    /// line is a least-squares solve of exact data; 1e-9 relative covers both with a wide margin.
    /// </summary>
    private const double Exact = 1e-9;

    private const double PeakTflops = 2.0, MemoryTBps = 0.05, Latency = 1e-5, LinkBytesPerSecond = 1e9;

    private static readonly DeviceProfile Profile = AcceleratorCatalog.Get("cpu").DefaultProfile with
    {
        Name = "calibrated cpu: test", Source = "test record", Date = "2026-01-02T03:04:00Z",
        PeakTflops = [new PeakOverride(Precision.Fp32, PeakTflops)],
        Gemm = [new GemmCurve(Precision.Fp32, EfficiencyCurve.Saturating(1.0, 0.1))],
        MemoryTBps = MemoryTBps,
        MemoryKernels = [new MemoryKernelCurve(MemoryKernel.Copy, EfficiencyCurve.Saturating(0.8, 1.0))],
        Validation = [new ValidationPoint("block h=64", 0.011, 0.010)],
    };

    private static readonly CalibrationRecord Record = new(
        new DeviceInfo("cpu", "test CPU", 2, 2, "0.107.0", "2.10.0", "test OS", "2026-01-02T03:04:00Z"),
        [.. new long[] { 64, 256, 1024 }.Select(n => Gemm(n))],
        [.. new long[] { 1_000_000, 10_000_000, 100_000_000 }.Select(bytes => new MemoryMeasurement(MemoryKernel.Copy, "copy", bytes,
            Stats(bytes / (MemoryTBps * 1e12 * Profile.MemoryCurve(MemoryKernel.Copy).At(bytes / 1e6)))))],
        [.. new long[] { 4096, 65536, 1 << 20, 1 << 24 }.Select(bytes => new CollectiveMeasurement("AllReduce", bytes, 2, Stats(Latency + bytes / LinkBytesPerSecond)))],
        [new CurveFit("matmul fp32", "saturating", new Dictionary<string, double> { ["peakTflops"] = PeakTflops }, 1.0, 2.0)],
        Quick: true);

    private static TimingStats Stats(double seconds) => new(seconds, seconds, seconds, 5);

    private static GemmMeasurement Gemm(long n)
    {
        double gflop = 2.0 * n * n * n * 1e-9;
        return new GemmMeasurement(Precision.Fp32, n, n, n, 1, Stats(gflop * 1e9 / (PeakTflops * 1e12 * Profile.GemmEfficiency(Precision.Fp32).At(gflop))));
    }

    [Fact]
    public void Fitted_Curves_Meet_Measurements_That_Follow_Them()
    {
        var curves = CalibrationCurves.Build(Profile, Record);
        Assert.Equal(["matmul", "memory", "collectives"], curves.Select(c => c.Group));
        foreach (var curve in curves)
        {
            foreach (var (measured, fitted) in new[] { (0, 0), (curve.MeasuredY.Length - 1, curve.FittedY.Length - 1) })
            {
                Assert.Equal(curve.MeasuredX[measured], curve.FittedX[fitted], Exact);
                double m = curve.MeasuredY[measured], f = curve.FittedY[fitted];
                Assert.True(Math.Abs(m - f) <= Exact * m, $"{curve.Name}: measured {m}, fitted {f}");
            }
        }
    }

    [Fact]
    public void Folder_Holds_The_Profile_Profile_Readers_Accept_And_A_Page_With_Three_Plots()
    {
        var context = new RunContext("scaleplan calibrate --quick --out DIR", null, new Provenance([], []), new RunVersions("test", ".NET", "OS", "0.107.0", "2.10.0"));
        var bundle = CalibrationBundle.Build(Profile, Record, CalibrationCurves.Groups, CalibrationCurves.Build(Profile, Record), context);
        string folder = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-calibration-").FullName, "out");
        bundle.Write(folder, FixedPlan.Created);
        Assert.Equal(Profile.Name, DeviceProfileJson.Load(Path.Combine(folder, CalibrationBundle.ProfileFileName)).Name);
        string outline = HtmlOutline.Of(File.ReadAllText(Path.Combine(folder, HtmlReport.FileName)));
        Assert.Contains("figure svg: matmul throughput by size", outline);
        Assert.Contains("figure svg: memory-bound kernels by size", outline);
        Assert.Contains("figure svg: collectives on two ranks by message size", outline);
        Assert.Contains("table prediction from the fitted profile against measurement (validation.csv): figure | predicted | measured | error percent", outline);
        var validation = CsvTable.Read(bundle.Files["validation.csv"], "validation.csv");
        Assert.Equal(10.0, double.Parse(validation.Rows[0][3], System.Globalization.CultureInfo.InvariantCulture), 9);
    }
}
