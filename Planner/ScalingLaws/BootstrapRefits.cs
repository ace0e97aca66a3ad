namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// The parameter vectors of a bootstrap's refits, grouped by the subset of runs they were drawn from, with each subset's own
/// fit (its centre) and the fit to all runs (the point). Up to <see cref="ScalingLawFit.WholeBootstrapRuns"/> runs there is one
/// subset, all runs, centred on the point (Efron's bootstrap). Above, the bag of little bootstraps (Kleiner, Talwalkar, Sarkar
/// &amp; Jordan 2014, JRSS-B 76(4), Algorithm 1): the spread of the refits around their subset's centre is measured within each
/// subset and averaged over the subsets, then put around the point.
/// </summary>
public sealed record BootstrapRefits(double[] Point, IReadOnlyList<BootstrapRefits.Subset> Subsets)
{
    /// <summary>One subset's fit and the refits of its resamples.</summary>
    public sealed record Subset(double[] Centre, IReadOnlyList<double[]> Refits);

    public int Count => Subsets.Sum(s => s.Refits.Count);

    /// <summary>The mean over subsets of the standard deviation of <paramref name="figure"/> within each (NaN without two refits).</summary>
    public double StandardError(Func<double[], double> figure) => Subsets.Average(s => StandardDeviation([.. s.Refits.Select(figure)]));

    /// <summary>
    /// <paramref name="figure"/> at the point plus the mean over subsets of the 2.5 % and 97.5 % percentiles of its refits'
    /// departures from the subset's centre: with one subset centred on the point, the refits' own percentiles.
    /// </summary>
    public double[] Interval(Func<double[], double> figure)
    {
        var departures = Subsets.Select(s =>
        {
            double centre = figure(s.Centre);
            return Percentiles([.. s.Refits.Select(t => figure(t) - centre)]);
        }).ToList();
        double point = figure(Point);
        return [point + departures.Average(i => i[0]), point + departures.Average(i => i[1])];
    }

    private static double StandardDeviation(double[] values)
    {
        if (values.Length < 2) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private static double[] Percentiles(double[] values)
    {
        if (values.Length == 0) return [double.NaN, double.NaN];
        var sorted = values.Order().ToArray();
        return [Quantile(sorted, 0.025), Quantile(sorted, 0.975)];
    }

    /// <summary>Linear interpolation between order statistics (Hyndman &amp; Fan 1996, definition 7).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int i = (int)Math.Floor(position);
        return i + 1 < sorted.Length ? sorted[i] + (position - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }
}
