using MathNet.Numerics.Statistics;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Measurement;

/// <summary>
/// Summaries of the measured repetitions (MathNet.Numerics order statistics): median, quartiles, the repetitions themselves and
/// the robust estimate the fits use. A preempted repetition is only ever slower, so the estimate leans to the fast side: the
/// lower quartile, chosen over the median, the fastest-half mean and the minimum by how little it moved between repeated
/// calibrations on this machine (docs/journal.md, 2026-12-03).
/// </summary>
public static class Statistics
{
    public static TimingStats Summarise(IReadOnlyList<double> seconds)
    {
        var data = seconds.ToArray();
        return new TimingStats(data.Median(), data.LowerQuartile(), data.UpperQuartile(), data.Length, data, Robust(data));
    }

    /// <summary>The robust estimate of a set of repetitions: their lower quartile (MathNet's R-8 quantile definition).</summary>
    public static double Robust(IReadOnlyList<double> seconds) => seconds.LowerQuartile();

    /// <summary>The same repetitions drawn again with replacement (one bootstrap resample, Efron 1979), summarised.</summary>
    public static TimingStats Resample(TimingStats stats, Random random)
    {
        if (stats.Seconds is not { Count: > 0 } seconds) return stats;
        var drawn = new double[seconds.Count];
        for (int i = 0; i < drawn.Length; i++) drawn[i] = seconds[random.Next(seconds.Count)];
        return stats with { Robust = Robust(drawn) };
    }
}
