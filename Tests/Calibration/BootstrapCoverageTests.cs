using MathNet.Numerics.Distributions;
using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Calibration.Fitting;
using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Calibration;

/// <summary>
/// A synthetic timer with known noise: every repetition is the true time × exp(σ·Z), Z standard normal. The fits use the lower
/// quartile of the repetitions, which estimates the true time × exp(σ·Φ⁻¹(0.25)); over many independent calibrations the
/// bootstrap interval must contain the figure that time implies as often as its stated level says (90 %).
/// </summary>
public class BootstrapCoverageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Sigma = 0.05;
    private const int Repetitions = 7;
    private const int Trials = 100;

    /// <summary>What the lower quartile of the repetitions estimates, as a fraction of the true time.</summary>
    private static readonly double QuartileFactor = Math.Exp(Sigma * Normal.InvCDF(0, 1, 0.25));

    private static TimingStats Timer(double seconds, Random random) =>
        Statistics.Summarise([.. Enumerable.Range(0, Repetitions).Select(_ => seconds * Math.Exp(Sigma * Normal.Sample(random, 0, 1)))]);

    /// <summary>Calibrations whose interval held the true value; a 90 % interval over 100 trials lands in [83, 97] unless its coverage is off (±2.3 binomial sd).</summary>
    private void AssertCoverage(int covered, string figure)
    {
        output.WriteLine($"{figure}: {covered} of {Trials} intervals held the true value");
        Assert.InRange(covered, (int)(Bootstrap.Level * Trials - 7), (int)(Bootstrap.Level * Trials + 7));
    }

    [Fact]
    public void Should_Cover_The_True_Matmul_Peak_At_The_Stated_Rate()
    {
        const double peakGflops = 100, halfGflop = 0.01;
        double Seconds(long m, long n, long k, long batch) => batch * (2.0 * m * n * k * 1e-9 + halfGflop) / peakGflops;
        double truth = peakGflops / 1e3 / QuartileFactor;
        int covered = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            var random = new Random(trial);
            var measured = GemmSweep.Shapes(quick: true).Select(s => new GemmMeasurement(Precision.Fp32, s.M, s.N, s.K, s.Batch, Timer(Seconds(s.M, s.N, s.K, s.Batch), random)))
                .Concat(GemmSweep.WeightGradientShapes(quick: true).Select(s => new GemmMeasurement(Precision.Fp32, s.M, s.N, s.K, 1, Timer(Seconds(s.M, s.N, s.K, 1), random), WeightGradient: true)))
                .ToList();
            var peak = KernelFits.Matmuls(measured, []).PeakIntervals.Single();
            if (peak.Low <= truth && truth <= peak.High) covered++;
        }
        AssertCoverage(covered, "matmul peak");
    }

    [Fact]
    public void Should_Cover_The_True_Link_Bandwidth_And_Latency_At_The_Stated_Rate()
    {
        const double gbps = 6, latencySeconds = 3e-6;   // two ranks: all-reduce time = 2α + bytes/B (AlphaBeta's formulas, n = 2)
        long[] sizes = [4 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20];
        int bandwidthCovered = 0, latencyCovered = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            var random = new Random(1000 + trial);
            var measured = sizes.Select(bytes => new CollectiveMeasurement(nameof(CollectiveKind.AllReduce), bytes, 2, Timer(2 * latencySeconds + bytes / (gbps * 1e9), random))).ToList();
            var links = KernelFits.Collectives(measured, []);
            if (links.AllReduceGBps!.Low <= gbps / QuartileFactor && gbps / QuartileFactor <= links.AllReduceGBps.High) bandwidthCovered++;
            if (links.AllReduceLatencySeconds!.Low <= latencySeconds * QuartileFactor && latencySeconds * QuartileFactor <= links.AllReduceLatencySeconds.High) latencyCovered++;
        }
        AssertCoverage(bandwidthCovered, "link bandwidth");
        AssertCoverage(latencyCovered, "link latency");
    }

    [Fact]
    public void Should_Give_Every_Fitted_Figure_An_Interval_That_Holds_Its_Fitted_Value()
    {
        var random = new Random(7);
        var measured = GemmSweep.Shapes(quick: true).Select(s => new GemmMeasurement(Precision.Fp32, s.M, s.N, s.K, s.Batch, Timer(s.Batch * (2.0 * s.M * s.N * s.K * 1e-9 + 0.01) / 100, random)))
            .Concat(GemmSweep.WeightGradientShapes(quick: true).Select(s => new GemmMeasurement(Precision.Fp32, s.M, s.N, s.K, 1, Timer((2.0 * s.M * s.N * s.K * 1e-9 + 0.02) / 80, random), WeightGradient: true)))
            .ToList();
        var fits = new List<CurveFit>();
        KernelFits.Matmuls(measured, fits);
        Assert.Equal(2, fits.Count);
        foreach (var fit in fits)
        {
            Assert.NotNull(fit.Intervals);
            foreach (var (name, value) in fit.Parameters)
            {
                var interval = fit.Intervals![name];
                Assert.InRange(value, interval[0] - 1e-12, interval[1] + 1e-12);
            }
        }
    }

    [Fact]
    public void Should_Hold_The_Fitted_Sustained_Fraction_And_The_True_One_In_Its_Interval()
    {
        // Whole blocks that run at 0.7 of the microruns' rate, timed by the synthetic timer.
        var profile = ScalePlanner.Simulator.Hardware.AcceleratorCatalog.Get("cpu").DefaultProfile;
        var random = new Random(11);
        var blocks = BlockTimings.FitSizes(quick: true)
            .Select(size => (size, Timer(BlockPrediction.ForwardBackwardSeconds(size, profile with { SustainedClockFraction = 0.7 }), random))).ToList();
        var (fraction, _) = SustainedFractionFit.Fit([.. blocks.Select(b => (b.size, b.Item2.Estimate))], profile);
        var interval = SustainedFractionFit.IntervalOf(blocks, profile);
        Assert.InRange(fraction, interval.Low, interval.High);
        Assert.InRange(0.7 / QuartileFactor, interval.Low, interval.High);
        Assert.True(interval.High - interval.Low < 0.1, $"{interval}");
    }
}
