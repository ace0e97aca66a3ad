using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Fitting;

/// <summary>
/// The fraction of the microruns' matmul rate that whole GPT blocks sustain (the profile's sustained fraction). Kernels timed
/// alone find their operands in cache; inside a block the working set is larger than the cache, and ranks side by side share
/// the cache and the memory bandwidth. The fraction is the one at which the cost model's block predictions match the measured
/// blocks on average (their relative errors sum to zero), found by bisection, since a smaller fraction only lengthens every
/// prediction; at most 1, so a device that runs blocks faster than its kernels keeps the microruns' rate.
/// </summary>
public static class SustainedFractionFit
{
    /// <summary>Fractions below this are not searched: a block at a tenth of its kernels' rate is a broken measurement, not a cache effect.</summary>
    public const double Lowest = 0.1;

    /// <summary>Halvings of [0.1, 1]: 40 narrow it to 1e-12, far below any timing's precision.</summary>
    private const int Halvings = 40;

    /// <summary>The fraction and the mean absolute percentage error it leaves on the fitting blocks.</summary>
    public static (double Fraction, double FitMapePercent) Fit(IReadOnlyList<(BlockSize Size, double MeasuredSeconds)> blocks, DeviceProfile profile)
    {
        double Bias(double fraction) => blocks.Sum(b => BlockPrediction.ForwardBackwardSeconds(b.Size, profile with { SustainedClockFraction = fraction }) / b.MeasuredSeconds - 1);
        double low = Lowest, high = 1;
        if (Bias(high) < 0)
        {
            for (int i = 0; i < Halvings; i++)
            {
                double middle = (low + high) / 2;
                if (Bias(middle) > 0) low = middle;
                else high = middle;
            }
        }
        var fitted = profile with { SustainedClockFraction = high };
        return (high, RelativeLeastSquares.Mape(blocks.Select(b => (BlockPrediction.ForwardBackwardSeconds(b.Size, fitted), b.MeasuredSeconds))));
    }

    /// <summary>Grid steps of 1/f over [1, 1/<see cref="Lowest"/>] on which the bootstrap reads the blocks' predictions: 0.05 apart.</summary>
    private const int GridSteps = 180;

    /// <summary>
    /// The fraction's bootstrap interval (<see cref="Bootstrap"/>): the blocks' repetitions drawn again, the fraction found again.
    /// A prediction is piecewise linear in x = 1/f (KernelTimer.Product: max(flops·x/(peak·η), stream time) + overhead), so each
    /// block's prediction is computed once on a grid of x and interpolated linearly (exact between kinks); the resamples then
    /// solve Σ p(x)/m = n on that grid instead of pricing every block forty times each.
    /// </summary>
    public static Interval IntervalOf(IReadOnlyList<(BlockSize Size, TimingStats Time)> blocks, DeviceProfile profile)
    {
        double step = (1 / Lowest - 1) / GridSteps;
        var grid = Enumerable.Range(0, GridSteps + 1).Select(j => 1 + j * step).ToArray();
        var predicted = blocks.Select(b => grid.Select(x => BlockPrediction.ForwardBackwardSeconds(b.Size, profile with { SustainedClockFraction = 1 / x })).ToArray()).ToArray();
        var interval = Bootstrap.Intervals(random =>
        {
            var measured = blocks.Select(b => Measurement.Statistics.Resample(b.Time, random).Estimate).ToArray();
            double Bias(int j) => predicted.Select((p, i) => p[j] / measured[i] - 1).Sum();
            return new Dictionary<string, double> { ["fraction"] = 1 / Root(Bias, grid) };
        })["fraction"];
        return new Interval(interval[0], interval[1]);
    }

    /// <summary>The x where the increasing bias crosses zero, linear between grid points; the grid's ends where it does not cross.</summary>
    private static double Root(Func<int, double> bias, double[] grid)
    {
        if (bias(0) >= 0) return grid[0];
        int low = 0, high = grid.Length - 1;
        if (bias(high) < 0) return grid[high];
        while (high - low > 1)
        {
            int middle = (low + high) / 2;
            if (bias(middle) < 0) low = middle;
            else high = middle;
        }
        double below = bias(low), above = bias(high);
        return grid[low] + (grid[high] - grid[low]) * (-below / (above - below));
    }
}
