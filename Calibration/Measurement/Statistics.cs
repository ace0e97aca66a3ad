using MathNet.Numerics.Statistics;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Measurement;

/// <summary>Median and quartiles of the measured repetitions (MathNet.Numerics order statistics).</summary>
public static class Statistics
{
    public static TimingStats Summarise(IReadOnlyList<double> seconds)
    {
        var data = seconds.ToArray();
        return new TimingStats(data.Median(), data.LowerQuartile(), data.UpperQuartile(), data.Length);
    }
}
