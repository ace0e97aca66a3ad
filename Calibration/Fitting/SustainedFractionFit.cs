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

    /// <summary>The fraction's bootstrap interval (<see cref="Bootstrap"/>): the blocks' repetitions drawn again, the fraction found again.</summary>
    public static Interval IntervalOf(IReadOnlyList<(BlockSize Size, TimingStats Time)> blocks, DeviceProfile profile)
    {
        var interval = Bootstrap.Intervals(random => new Dictionary<string, double>
        {
            ["fraction"] = Fit([.. blocks.Select(b => (b.Size, Measurement.Statistics.Resample(b.Time, random).Estimate))], profile).Fraction,
        })["fraction"];
        return new Interval(interval[0], interval[1]);
    }
}
