using MathNet.Numerics.Statistics;

namespace ScalePlanner.Calibration.Fitting;

/// <summary>
/// Percentile bootstrap intervals (Efron and Tibshirani 1993, ch. 13): every measurement's repetitions are drawn again with
/// replacement, the figure is refitted on the resample, and the interval is the middle <see cref="Level"/> of the refitted values.
/// </summary>
public static class Bootstrap
{
    /// <summary>The stated coverage: a 90 % interval, the level the project's other bands use (docs/validation.md).</summary>
    public const double Level = 0.90;

    /// <summary>
    /// Resamples per interval: 200 puts 10 refits beyond each end of a 90 % interval (Efron and Tibshirani suggest 1,000 for
    /// percentile intervals; Tests/Calibration/BootstrapCoverageTests measures the coverage 200 gives).
    /// </summary>
    public const int Resamples = 200;

    /// <summary>A fixed seed: the same measurements give the same intervals.</summary>
    public const int Seed = 20;

    /// <summary>The interval of every figure <paramref name="refit"/> returns; figures not finite in a resample are left out of it.</summary>
    public static IReadOnlyDictionary<string, double[]> Intervals(Func<Random, IReadOnlyDictionary<string, double>> refit, int resamples = Resamples, double level = Level, int seed = Seed)
    {
        var random = new Random(seed);
        var draws = new Dictionary<string, List<double>>();
        for (int b = 0; b < resamples; b++)
        {
            foreach (var (name, value) in refit(random))
            {
                if (!double.IsFinite(value)) continue;
                if (!draws.TryGetValue(name, out var list)) draws[name] = list = new List<double>(resamples);
                list.Add(value);
            }
        }
        double tail = (1 - level) / 2;
        return draws.ToDictionary(d => d.Key, d => new[] { d.Value.Quantile(tail), d.Value.Quantile(1 - tail) });
    }
}
