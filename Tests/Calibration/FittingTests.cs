using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Calibration.Fitting;
using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Calibration;

/// <summary>The fits recover the parameters that generated synthetic measurements (with a few per cent of deterministic noise).</summary>
public class FittingTests
{
    private static double Noise(int i) => 1 + 0.02 * Math.Sin(1.7 * i + 0.3);

    private static TimingStats Time(double seconds) => new(seconds, seconds * 0.98, seconds * 1.02, 5);

    [Fact]
    public void Should_Recover_Peak_And_Half_Size_Of_A_Saturating_Matmul_Curve()
    {
        const double peakGflops = 480, halfGflop = 0.02;
        var shapes = new (long M, long N, long K, long Batch)[]
        {
            (64, 64, 64, 1), (128, 128, 64, 4), (128, 384, 128, 1), (256, 256, 256, 1), (256, 1024, 256, 1), (512, 512, 512, 1),
            (512, 2048, 512, 1), (1024, 1024, 1024, 1), (1024, 4096, 1024, 1), (2048, 2048, 2048, 1), (256, 256, 64, 16), (2048, 8192, 2048, 1),
        };
        var measurements = shapes.Select((s, i) =>
        {
            double gflop = 2.0 * s.M * s.N * s.K * 1e-9;
            return new GemmMeasurement(Precision.Fp32, s.M, s.N, s.K, s.Batch, Time(s.Batch * (gflop + halfGflop) / peakGflops * Noise(i)));
        }).ToList();
        var fit = GemmFit.Fit("synthetic", measurements);
        Assert.Equal("saturating", fit.Summary.Model);
        Assert.Equal(peakGflops * 1e9, fit.PeakFlops, peakGflops * 1e9 * 0.03);
        Assert.Equal(halfGflop, fit.Curve.Half, halfGflop * 0.25);
        Assert.InRange(fit.Summary.HeldOutMapePercent, 0, 3);
    }

    [Fact]
    public void Should_Prefer_A_Monotone_Table_When_Efficiency_Steps()
    {
        // Efficiency jumps from 0.3 to 0.9 between 0.05 and 0.5 GFLOP: a step no saturating curve follows.
        var measurements = Enumerable.Range(0, 15).Select(i =>
        {
            long n = 64L << (i / 3);
            long k = 64L << (i % 3);
            double gflop = 2.0 * n * n * k * 1e-9;
            double efficiency = gflop < 0.2 ? 0.3 : 0.9;
            return new GemmMeasurement(Precision.Bf16, n, n, k, 1, Time(gflop / (100 * efficiency) * Noise(i)));
        }).ToList();
        var fit = GemmFit.Fit("stepped", measurements);
        Assert.Equal("monotone table", fit.Summary.Model);
        var points = fit.Curve.Points!;
        for (int i = 1; i < points.Count; i++) Assert.True(points[i][1] >= points[i - 1][1], "table efficiency must not fall with size");
    }

    [Fact]
    public void Should_Recover_Latency_And_Bandwidth_Of_An_All_Reduce()
    {
        const double alpha = 4e-6, bandwidth = 9e9;
        const int ranks = 2;
        long[] sizes = [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20];
        // Ring all-reduce: 2(n−1)α + 2(n−1)/n · M/B (Patarasuk & Yuan 2009).
        var measurements = sizes.Select((bytes, i) => new CollectiveMeasurement(nameof(CollectiveKind.AllReduce), bytes, ranks,
            Time((2 * (ranks - 1) * alpha + 2.0 * (ranks - 1) / ranks * bytes / bandwidth) * Noise(i)))).ToList();
        var link = Assert.Single(AlphaBeta.Fit(measurements));
        Assert.Equal(bandwidth / 1e9, link.Spec.GBps, bandwidth / 1e9 * 0.03);
        Assert.Equal(alpha, link.Spec.LatencySeconds, alpha * 0.1);
    }

    [Fact]
    public void Should_Recover_The_Bandwidth_Line_Of_A_Memory_Kernel()
    {
        const double fixedSeconds = 3e-6, bytesPerSecond = 12e9;
        var measurements = Enumerable.Range(0, 9).Select(i =>
        {
            long bytes = 32_768L << (2 * i);
            return new MemoryMeasurement(MemoryKernel.Normalization, "layer_norm", bytes, Time((fixedSeconds + bytes / bytesPerSecond) * Noise(i)));
        }).ToList();
        double reference = 20e9;
        var fit = BandwidthFit.Fit("synthetic", measurements, reference);
        Assert.Equal("time = a + bytes/B", fit.Summary.Model);
        Assert.Equal(bytesPerSecond / reference, fit.Curve.Max, 0.03 * bytesPerSecond / reference);
        foreach (var m in measurements)
            Assert.Equal(m.Time.Median, m.Bytes / (reference * fit.Curve.At(m.Bytes / 1e6)), m.Time.Median * 0.04);
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(0.55)]
    public void Should_Recover_The_Fraction_Of_The_Microrun_Rate_That_Whole_Blocks_Sustain(double fraction)
    {
        var profile = AcceleratorCatalog.Get("cpu").DefaultProfile with { SustainedClockFraction = 1 };
        var blocks = BlockTimings.FitSizes(quick: false)
            .Select(size => (size, BlockPrediction.ForwardBackwardSeconds(size, profile with { SustainedClockFraction = fraction }))).ToList();
        var (fitted, error) = SustainedFractionFit.Fit(blocks, profile);
        Assert.Equal(fraction, fitted, 1e-6);
        Assert.InRange(error, 0, 1e-4);
    }

    [Fact]
    public void Should_Keep_The_Microrun_Rate_When_Whole_Blocks_Run_Faster_Than_Predicted()
    {
        var profile = AcceleratorCatalog.Get("cpu").DefaultProfile with { SustainedClockFraction = 1 };
        var blocks = BlockTimings.FitSizes(quick: true).Select(size => (size, 0.9 * BlockPrediction.ForwardBackwardSeconds(size, profile))).ToList();
        Assert.Equal(1, SustainedFractionFit.Fit(blocks, profile).Fraction);
    }
}
